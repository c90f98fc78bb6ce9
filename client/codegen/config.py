"""Choices the spec cannot make for the generator: official SDK type names, and hand-written bases."""

from __future__ import annotations

__all__ = ["HELPER_TYPES", "API_OPTIONAL", "BINARY_OPERATIONS", "DERIVED_PACKAGES", "TEXT_ANSWERS", "MODEL_BASES", "RENAMES", "RESOURCE_BASES", "SKIPPED_OPERATIONS", "SKIP_FIELDS", "STREAM_ITEMS"]

# Schema name -> the name the official Python SDK gives the type, where they differ.
RENAMES = {
    "CreateChatCompletionResponse": "ChatCompletion",
    "CreateChatCompletionStreamResponse": "ChatCompletionChunk",
    "ChatCompletionResponseMessage": "ChatCompletionMessage",
    "ChatCompletionStreamResponseDelta": "ChoiceDelta",
    "ChatCompletionMessageToolCallChunk": "ChoiceDeltaToolCall",
    "CreateCompletionResponse": "Completion",
    "DeleteModelResponse": "ModelDeleted",
    "OpenAIFile": "FileObject",
    "DeleteFileResponse": "FileDeleted",
    "CreateModerationResponse": "ModerationCreateResponse",
    "VectorStoreObject": "VectorStore",
    "VectorStoreFileObject": "VectorStoreFile",
    "VectorStoreFileBatchObject": "VectorStoreFileBatch",
    "DeleteVectorStoreResponse": "VectorStoreDeleted",
    "DeleteVectorStoreFileResponse": "VectorStoreFileDeleted",
    "AssistantObject": "Assistant",
    "ThreadObject": "Thread",
    "MessageObject": "Message",
    "RunObject": "Run",
    "RunStepObject": "RunStep",
    "CreateTranscriptionResponseJson": "Transcription",
    "CreateTranslationResponseJson": "Translation",
    "FineTuningJobEvent": "FineTuningJobEvent",
    "ContainerResource": "Container",
    "ContainerFileResource": "ContainerFile",
}

# Class name -> hand-written mixins (in openai_urllib3._mixins) it also derives from.
MODEL_BASES = {
    "Response": ["ResponseMixin"],
    "VectorStoreSearchResultsPage": ["ItemsMixin"],
}

# Fields a hand-written base computes instead (the spec lists ``output_text``, which the API does not send).
SKIP_FIELDS = {
    "Response": frozenset({"output_text"}),
}

# Resource path -> hand-written helper classes (in openai_urllib3._helpers) it also derives from.
RESOURCE_BASES = {
    "beta": ["BetaHelpers"],
    "beta.threads": ["BetaThreadsHelpers"],
    "beta.threads.runs": ["BetaThreadsRunsHelpers"],
    "chat.completions": ["ChatCompletionsHelpers"],
    "responses": ["ResponsesHelpers"],
    "files": ["FilesHelpers"],
    "vector_stores.files": ["VectorStoreFilesHelpers"],
    "vector_stores.file_batches": ["VectorStoreFileBatchesHelpers"],
    "uploads": ["UploadsHelpers"],
    "videos": ["VideosHelpers"],
    "realtime": ["RealtimeHelpers"],
}

# Operations whose SSE items the spec does not name (they take a ``stream`` flag but declare only JSON).
STREAM_ITEMS = {
    "POST /completions": "CreateCompletionResponse",
    "GET /responses/{response_id}": "ResponseStreamEvent",
    "POST /threads/runs": "AssistantStreamEvent",
    "POST /threads/{thread_id}/runs": "AssistantStreamEvent",
    "POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs": "AssistantStreamEvent",
}

# Event unions no operation returns, which the client reads off another channel: converter name ->
# (the group whose types module holds them, the spec's schema). The Realtime API's events come
# over a WebSocket.
EVENT_UNIONS = {
    "REALTIME_SERVER_EVENT": ("realtime", "RealtimeServerEvent"),
    "REALTIME_CLIENT_EVENT": ("realtime", "RealtimeClientEvent"),
}

SKIPPED_OPERATIONS: frozenset[str] = frozenset()

# Operations that answer text/plain for some response_format (text, srt, vtt), which the spec does
# not list; the client returns that text as a str.
TEXT_ANSWERS = frozenset({"POST /audio/transcriptions", "POST /audio/translations"})

# Operations that answer with the raw content of a file, whatever the spec declares.
BINARY_OPERATIONS = frozenset(
    {
        "GET /files/{file_id}/content",
        "GET /containers/{container_id}/files/{file_id}/content",
        "GET /videos/{video_id}/content",  # the spec says a JSON string; the API sends the MP4 (or image) bytes
    }
)

# Body fields the spec requires that the API does not (it takes the request without them, or with
# the newer form named beside): the harness's validator does not insist on them.
API_OPTIONAL = {
    "POST /skills": ["files"],  # a skill can be created empty, its files added as versions
    "POST /skills/{skill_id}/versions": ["files"],
    "POST /vector_stores/{vector_store_id}/file_batches": ["file_ids"],  # or ``files: [{file_id, attributes}]``
}

# Resource -> the package under ``types/`` for its types the official SDK does not place itself:
# its own name unless listed (the official SDK keeps these resources' types at the top).
DERIVED_PACKAGES = {
    "admin": "admin.organization",
    "batches": "",
    "completions": "",
    "content_provenance_checks": "",
    "embeddings": "",
    "files": "",
    "images": "",
    "models": "",
    "moderations": "",
    "videos": "",
}

# Hand-written types the official SDK lists beside the generated ones (the structured-output
# results), re-exported from generated modules at the official paths: module -> (source, names).
HELPER_TYPES = {
    "chat.parsed_chat_completion": ("openai_urllib3._structured", ("ParsedChatCompletion", "ParsedChatCompletionMessage", "ParsedChoice")),
    "responses.parsed_response": ("openai_urllib3._structured", ("ParsedResponse",)),
}
