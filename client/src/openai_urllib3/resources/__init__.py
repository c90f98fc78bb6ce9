"""API resources, one module per resource; imported on first use by the client."""
