"""The use cases, shared by the views and the CLI: storing articles, and searching them."""
