"""The current request id, carried to the access log without passing it everywhere."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
