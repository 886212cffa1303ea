"""API framework pieces shared by every app: pagination and error translation. The JSON
parser that refuses hostile input is in `parsers.py`, JSON bodies for errors Django
renders itself in `middleware.py`."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, pagination
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(pagination.PageNumberPagination):
    """`{"count", "next", "previous", "results"}`; `?page_size=` up to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100


def exception_handler(exc, context):
    """Service-layer errors become DRF errors: a Django ValidationError is a 400 with the
    `{"field": ["message"]}` shape, PermissionDenied a 403, Http404 a 404."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
