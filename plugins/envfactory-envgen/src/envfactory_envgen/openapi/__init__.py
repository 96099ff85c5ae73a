"""Reading OpenAPI 3.x and Swagger 2.0 documents into one version-independent model."""
