"""Database schemas given simply ({"Tags": {"type": "multi_select", "options": [...]}}) to
Notion's property definitions, and Notion's schema back to a summary an assistant can read."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import NotionId

# https://developers.notion.com/reference/property-object
PropertyType = Literal[
    "title",
    "rich_text",
    "number",
    "select",
    "multi_select",
    "status",
    "date",
    "people",
    "checkbox",
    "url",
    "email",
    "phone_number",
    "files",
    "relation",
    "formula",
    "created_time",
    "created_by",
    "last_edited_time",
    "last_edited_by",
    "unique_id",
]
OPTION_TYPES = ("select", "multi_select", "status")
MAX_OPTION_NAME = 100


class PropertySpec(BaseModel):
    """One property of a schema, given simply."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: PropertyType = Field(description="The property type, e.g. status, select, date.")
    options: list[str] | None = Field(
        default=None,
        description="Option names, for select, multi_select and status (no commas).",
    )
    format: str | None = Field(
        default=None,
        description="For number: number, number_with_commas, percent, dollar, euro, pound, ...",
    )
    relation_to: NotionId | None = Field(
        default=None,
        description="For relation: the id of the related database or data source.",
    )
    expression: str | None = Field(default=None, description="For formula: its expression.")
    prefix: str | None = Field(default=None, description="For unique_id: an optional prefix.")
    description: str | None = Field(
        default=None, max_length=280, description="What the property is for (optional)."
    )

    @model_validator(mode="before")
    @classmethod
    def _type_alone(cls, data: Any) -> Any:
        # {"Status": "status"} is shorthand for {"Status": {"type": "status"}}.
        return {"type": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _fits_type(self) -> PropertySpec:
        if self.options is not None:
            if self.type not in OPTION_TYPES:
                raise ValueError(f"options are only for {', '.join(OPTION_TYPES)}")
            option_names_check(self.options)
        if self.relation_to is None and self.type == "relation":
            raise ValueError("a relation needs relation_to (the related database id)")
        if self.relation_to is not None and self.type != "relation":
            raise ValueError("relation_to is only for relation")
        if self.type == "formula" and not self.expression:
            raise ValueError("a formula needs an expression")
        if self.expression is not None and self.type != "formula":
            raise ValueError("expression is only for formula")
        if self.format is not None and self.type != "number":
            raise ValueError("format is only for number")
        if self.prefix is not None and self.type != "unique_id":
            raise ValueError("prefix is only for unique_id")
        return self


def option_names_check(names: list[str]) -> None:
    """Notion refuses commas in option names and names over 100 characters."""
    for name in names:
        if not name or not name.strip():
            raise ValueError("an option name is empty")
        if "," in name:
            raise ValueError(f"option names can't contain commas: {name!r}")
        if len(name) > MAX_OPTION_NAME:
            raise ValueError(f"option names are at most {MAX_OPTION_NAME} characters: {name!r}")
    folded = [name.strip().casefold() for name in names]
    if len(set(folded)) != len(folded):
        raise ValueError("option names repeat")


def spec_to_notion(spec: PropertySpec, *, related_data_source_id: str | None = None) -> dict:
    """Notion's property definition for a simple spec (relation: the related data source id)."""
    kind = spec.type
    config: dict[str, Any] = {}
    if spec.options is not None:
        config["options"] = [{"name": name.strip()} for name in spec.options]
    if kind == "number":
        config["format"] = spec.format or "number"
    elif kind == "relation":
        config = {"data_source_id": related_data_source_id, "single_property": {}}
    elif kind == "formula":
        config = {"expression": spec.expression}
    elif kind == "unique_id":
        config = {"prefix": spec.prefix}
    definition: dict[str, Any] = {"type": kind, kind: config}
    if spec.description:
        definition["description"] = spec.description
    return definition


def schema_to_notion(ctx, specs: dict[str, PropertySpec], resolve) -> dict:
    """Notion definitions for several specs; `resolve(ctx, id)` finds a related data source."""
    definitions = {}
    for name, spec in specs.items():
        related = resolve(ctx, spec.relation_to)["id"] if spec.relation_to else None
        definitions[name] = spec_to_notion(spec, related_data_source_id=related)
    return definitions


def schema_with_title(specs: dict[str, PropertySpec]) -> dict[str, PropertySpec]:
    """The specs with a "Name" title property first when none is given (Notion requires one)."""
    titles = [name for name, spec in specs.items() if spec.type == "title"]
    if len(titles) > 1:
        raise ToolInputError(
            f"A database has exactly one title property; these are all title: {', '.join(titles)}.",
            field="properties",
        )
    if titles:
        return specs
    name = "Name" if "Name" not in specs else "Title"
    return {name: PropertySpec(type="title"), **specs}


# --- reading -----------------------------------------------------------------------------------


def property_summary(prop: dict) -> dict:
    """What an assistant needs of one schema property: type, options and the like."""
    kind = prop.get("type", "")
    config = prop.get(kind) or {}
    summary: dict[str, Any] = {"type": kind}
    if kind in OPTION_TYPES:
        summary["options"] = [option.get("name") for option in config.get("options") or []]
    if kind == "status" and config.get("groups"):
        names = {o.get("id"): o.get("name") for o in config.get("options") or []}
        summary["groups"] = {
            group.get("name"): [names.get(i) for i in group.get("option_ids") or [] if i in names]
            for group in config["groups"]
        }
    if kind == "number" and config.get("format"):
        summary["format"] = config["format"]
    if kind == "relation":
        summary["related_data_source_id"] = config.get("data_source_id")
    if kind == "formula":
        summary["expression"] = config.get("expression")
    if kind == "rollup":
        summary.update(
            {
                k: config.get(k)
                for k in ("relation_property_name", "rollup_property_name", "function")
            }
        )
    if kind == "unique_id" and config.get("prefix"):
        summary["prefix"] = config["prefix"]
    if prop.get("description"):
        summary["description"] = prop["description"]
    return summary


def schema_summary(properties: dict) -> dict:
    """{name: summary} for a data source's properties, the title property first."""
    ordered = sorted(properties.items(), key=lambda item: item[1].get("type") != "title")
    return {name: property_summary(prop) for name, prop in ordered}
