"""The generator of the client's API surface from the OpenAPI spec (not shipped in the wheel)."""
