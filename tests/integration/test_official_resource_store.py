"""Resources the server stores from the spec alone (no handler of their own), driven by the
official SDK: create, list with cursor paging, retrieve, update, delete, actions and the clock."""

from __future__ import annotations

import warnings
from typing import Any, Iterator

import pytest

openai = pytest.importorskip("openai")

from openai_harness import MockServer  # noqa: E402


@pytest.fixture
def sdk(openai_server: MockServer) -> Iterator[Any]:
    client = openai.OpenAI(api_key="sk-store-test", admin_api_key="sk-admin-store-test", base_url=openai_server.url, max_retries=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield client
    client.close()


def test_containers_and_their_files(sdk: Any) -> None:
    boxes = [sdk.containers.create(name=f"box {n}") for n in range(3)]
    assert [b.name for b in boxes] == ["box 0", "box 1", "box 2"] and len({b.id for b in boxes}) == 3
    assert all(b.id.startswith("cntr_") for b in boxes)
    first = sdk.containers.list(limit=2)
    assert [b.id for b in first.data] == [boxes[2].id, boxes[1].id] and first.has_more  # newest first
    assert [b.id for b in sdk.containers.list(limit=2, after=first.data[-1].id).data] == [boxes[0].id]
    assert [b.id for b in sdk.containers.list(order="asc")] == [b.id for b in boxes]
    box = boxes[0]
    assert sdk.containers.retrieve(box.id).name == "box 0"
    upload = sdk.containers.files.create(box.id, file=("notes.txt", b"hello"))
    assert upload.container_id == box.id
    assert [f.id for f in sdk.containers.files.list(box.id)] == [upload.id]
    assert sdk.containers.files.list(boxes[1].id).data == []  # files belong to their container
    assert sdk.containers.files.retrieve(upload.id, container_id=box.id).id == upload.id
    sdk.containers.files.delete(upload.id, container_id=box.id)
    assert sdk.containers.files.list(box.id).data == []
    sdk.containers.delete(box.id)
    with pytest.raises(openai.NotFoundError):
        sdk.containers.retrieve(box.id)
    with pytest.raises(openai.NotFoundError):
        sdk.containers.files.list(box.id)  # the parent is gone


def test_evals_and_runs_on_the_clock(sdk: Any, openai_server: MockServer) -> None:
    config = {"type": "custom", "item_schema": {"type": "object", "properties": {"q": {"type": "string"}}}}
    evaluation = sdk.evals.create(name="quality", data_source_config=config, testing_criteria=[], metadata={"team": "a"})
    assert sdk.evals.update(evaluation.id, name="quality v2").name == "quality v2"
    assert sdk.evals.retrieve(evaluation.id).name == "quality v2" and sdk.evals.retrieve(evaluation.id).metadata == {"team": "a"}
    source = {"type": "jsonl", "source": {"type": "file_id", "id": "file-abc"}}
    run = sdk.evals.runs.create(evaluation.id, data_source=source, name="nightly")
    assert run.status == "queued" and run.eval_id == evaluation.id and run.name == "nightly"
    openai_server.advance(openai_server.state.durations["resource_queued"])
    assert sdk.evals.runs.retrieve(run.id, eval_id=evaluation.id).status == "in_progress"
    openai_server.advance(openai_server.state.durations["resource_in_progress"])
    assert sdk.evals.runs.retrieve(run.id, eval_id=evaluation.id).status == "completed"
    other = sdk.evals.runs.create(evaluation.id, data_source=source)
    assert sdk.evals.runs.cancel(other.id, eval_id=evaluation.id).status in ("canceled", "cancelled")  # the SDK posts to .../cancel
    assert sdk.evals.runs.cancel(run.id, eval_id=evaluation.id).status == "completed"  # finished: stays as it was
    assert {r.id for r in sdk.evals.runs.list(evaluation.id)} == {run.id, other.id}
    sdk.evals.runs.delete(other.id, eval_id=evaluation.id)
    assert [r.id for r in sdk.evals.runs.list(evaluation.id)] == [run.id]
    sdk.evals.delete(evaluation.id)
    with pytest.raises(openai.NotFoundError):
        sdk.evals.runs.retrieve(run.id, eval_id=evaluation.id)


def test_skills_and_their_numbered_versions(sdk: Any) -> None:
    skill = sdk.skills.create(files=[("SKILL.md", b"# one")])
    versions = [sdk.skills.versions.create(skill.id, files=[("SKILL.md", f"# v{n}".encode())]) for n in range(2)]
    assert [v.version for v in versions] == ["1", "2"]
    assert [v.version for v in sdk.skills.versions.list(skill.id, order="asc")] == ["1", "2"]
    assert sdk.skills.versions.retrieve("2", skill_id=skill.id).version == "2"
    sdk.skills.versions.delete("1", skill_id=skill.id)
    assert [v.version for v in sdk.skills.versions.list(skill.id)] == ["2"]
    assert [s.id for s in sdk.skills.list()] == [skill.id]


def test_admin_projects_and_their_users(sdk: Any) -> None:
    projects = [sdk.admin.organization.projects.create(name=f"project {n}") for n in range(3)]
    listed = sdk.admin.organization.projects.list(limit=2)
    assert len(listed.data) == 2 and listed.has_more
    assert {p.id for p in listed} == {p.id for p in projects}  # iterating follows the cursor
    renamed = sdk.admin.organization.projects.update(projects[0].id, name="renamed")
    assert renamed.name == "renamed" and sdk.admin.organization.projects.retrieve(projects[0].id).name == "renamed"
    assert sdk.admin.organization.projects.archive(projects[1].id).status == "archived"
    member = sdk.admin.organization.projects.users.create(projects[0].id, user_id="user_abc", role="member")
    assert member.role == "member"
    assert [u.role for u in sdk.admin.organization.projects.users.list(projects[0].id)] == ["member"]
    assert sdk.admin.organization.projects.users.retrieve("user_abc", project_id=projects[0].id).role == "member"  # found by the user it adds
    with pytest.raises(openai.NotFoundError):
        sdk.admin.organization.projects.users.list("proj_unknown")
    invite = sdk.admin.organization.invites.create(email="a@example.com", role="reader")
    assert sdk.admin.organization.invites.retrieve(invite.id).email == "a@example.com"
    sdk.admin.organization.invites.delete(invite.id)
    assert sdk.admin.organization.invites.list().data == []
