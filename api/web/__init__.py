"""The HTTP plumbing around the views: problem+json, auth, media types, limits, caching, JSON,
request ids and logs, metrics, memory, and the accessors for what create_app wires."""
