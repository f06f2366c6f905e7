"""Page properties by name with plain values: to Notion's shapes and back, and data sources."""

from .data_sources import resolve_data_source
from .plain import page_properties_plain, property_plain
from .to_notion import (
    OPTION_TYPES,
    READ_ONLY_TYPES,
    UserLookup,
    properties_to_notion,
    property_find,
    property_options,
    property_value,
    user_lookup_from,
)

__all__ = [
    "OPTION_TYPES",
    "READ_ONLY_TYPES",
    "UserLookup",
    "page_properties_plain",
    "properties_to_notion",
    "property_find",
    "property_options",
    "property_plain",
    "property_value",
    "resolve_data_source",
    "user_lookup_from",
]
