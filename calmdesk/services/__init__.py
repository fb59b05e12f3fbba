"""Read-side adapters: build the pure libraries' plain-data views from the models."""
