"""The chat API's Lambda (``post-call-analytics-api-handler``): routes in ``app``, bodies in ``models``."""
