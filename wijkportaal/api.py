"""API framework pieces shared by every app: pagination, error translation and output
serializers whose fields are built once. The JSON parser that refuses hostile input is
in `parsers.py`, JSON bodies for errors Django renders itself in `middleware.py`."""

import copy

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, pagination
from rest_framework.views import exception_handler as drf_exception_handler


# For output serializers whose fields depend on nothing but their class (not on the
# request or the object): a ModelSerializer builds its fields from the model's on every
# instantiation (verbose names, validators, choices), which was most of a case detail
# response's Python time (four serializers per response). The fields are built once per
# class (each subclass its own) and every instance gets fresh copies, as DRF copies its
# declared fields. A comment, not a docstring: drf-spectacular describes a serializer
# without one of its own by the first docstring in its bases, so this text would show up
# in the API's documentation.
class FieldsBuiltOnce:
    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = built
        return copy.deepcopy(built)


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
