"""The HTTP layer beneath both features: blueprints, loading and refusing input, bearer and session
sign-in, ETags, the OpenAPI document."""
