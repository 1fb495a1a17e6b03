"""marshmallow schemas: the shape and validation of everything the API reads and writes.

Schemas are pure: they never import `api`, touch Elasticsearch or read the request.
"""
