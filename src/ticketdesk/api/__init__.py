"""REST API (django-ninja, OpenAPI 3.1) over the same services as the agent UI."""
