"""The use cases, shared by the views and the CLI: storing articles, searching them, and
exporting and importing them as they are stored."""
