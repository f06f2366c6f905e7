"""notion_update_database: rename or describe a database and change its data source's schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, field_validator

from integrations.tools.base import Tool, ToolContext
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import NotionId, ToolInput
from integrations.tools.properties import property_find, property_options, resolve_data_source

from .common import plain, rich
from .schema import (
    OPTION_TYPES,
    PropertySpec,
    option_names_check,
    schema_summary,
    schema_to_notion,
)


class UpdateDatabaseInput(ToolInput):
    database_id: NotionId = Field(description="The database id or URL, or a data source id.")
    title: str | None = Field(default=None, max_length=2000, description="A new title.")
    description: str | None = Field(
        default=None, max_length=2000, description="A new description (empty string clears it)."
    )
    add_properties: dict[str, PropertySpec] | None = Field(
        default=None,
        description='New properties by name, e.g. {"Priority": {"type": "select", "options": '
        '["High", "Low"]}}.',
    )
    rename_properties: dict[str, str] | None = Field(
        default=None, description='Properties to rename: {"Old name": "New name"}.'
    )
    remove_properties: list[str] | None = Field(
        default=None,
        description="Names of properties to delete, with their values in every row.",
    )
    add_options: dict[str, list[str]] | None = Field(
        default=None,
        description='Options to add to select, multi_select or status properties: {"Tags": '
        '["urgent"]}.',
    )
    rename_options: dict[str, dict[str, str]] | None = Field(
        default=None,
        description='Options to rename: {"Tags": {"old": "new"}}; rows keep the renamed option.',
    )
    remove_options: dict[str, list[str]] | None = Field(
        default=None,
        description='Options to delete: {"Tags": ["obsolete"]}; rows lose that option.',
    )

    @field_validator("add_options", "rename_options")
    @classmethod
    def _option_names(cls, value):
        for names in (value or {}).values():
            option_names_check(list(names.values()) if isinstance(names, dict) else names)
        return value


class _Plan:
    """The requests a call makes, and what each change means in words."""

    def __init__(self) -> None:
        self.database: dict[str, Any] = {}
        self.properties: dict[str, Any] = {}
        self.changes: list[str] = []

    def prop(self, key: str) -> dict:
        entry = self.properties.get(key)
        if entry is None:
            entry = self.properties[key] = {}
        return entry


def _plan(ctx: ToolContext, args: UpdateDatabaseInput, schema: dict) -> _Plan:
    """Checks every change against the current schema before anything is written."""
    plan = _Plan()
    if args.title is not None:
        plan.database["title"] = rich(args.title)
        plan.changes.append(f"renamed the database to “{args.title}”")
    if args.description is not None:
        plan.database["description"] = rich(args.description)
        plan.changes.append(
            "changed the description" if args.description else "cleared the description"
        )
    removed = {property_find(schema, name)["name"] for name in args.remove_properties or []}
    for name in sorted(removed):
        if schema[name].get("type") == "title":
            raise ToolInputError(f"“{name}” is the title property; a database must keep it.")
        plan.properties[name] = None
        plan.changes.append(f"removed property “{name}”")
    _plan_renames(plan, args, schema, removed)
    _plan_options(plan, args, schema, removed)
    _plan_additions(ctx, plan, args, schema, removed)
    if not plan.changes:
        raise ToolInputError(
            "Nothing to change: give title, description, add_properties, rename_properties, "
            "remove_properties, add_options, rename_options or remove_options."
        )
    return plan


def _plan_renames(plan: _Plan, args, schema: dict, removed: set) -> None:
    taken = set(schema) - removed
    for old, new in (args.rename_properties or {}).items():
        prop = property_find(schema, old)
        new = new.strip()
        if not new:
            raise ToolInputError(f"The new name for “{prop['name']}” is empty.")
        if prop["name"] in removed:
            raise ToolInputError(f"“{prop['name']}” is both removed and renamed.")
        if new in taken and new != prop["name"]:
            raise ToolInputError(f"There is already a property named “{new}”.")
        taken.discard(prop["name"])
        taken.add(new)
        plan.prop(prop["name"])["name"] = new
        plan.changes.append(f"renamed property “{prop['name']}” to “{new}”")


def _plan_options(plan: _Plan, args, schema: dict, removed: set) -> None:
    touched = {
        *(args.add_options or {}),
        *(args.rename_options or {}),
        *(args.remove_options or {}),
    }
    for key in touched:
        prop = property_find(schema, key)
        name, kind = prop["name"], prop.get("type")
        if kind not in OPTION_TYPES:
            raise ToolInputError(
                f"“{name}” is a {kind} property; only select, multi_select and status have options."
            )
        if name in removed:
            raise ToolInputError(f"“{name}” is removed; its options can't change too.")
        options = [dict(option) for option in (prop.get(kind) or {}).get("options") or []]
        options = _change_options(plan, name, options, args, key, property_options(prop))
        # The options array replaces the property's options: existing ones are sent by id so
        # rows keep their values; one left out is deleted.
        plan.prop(name)[kind] = {"options": options}


def _change_options(
    plan: _Plan, name: str, options: list[dict], args, key: str, valid: list[str]
) -> list[dict]:
    def find(option_name: str) -> dict:
        for option in options:
            if option.get("name") == option_name:
                return option
        folded = [o for o in options if o.get("name", "").casefold() == option_name.casefold()]
        if len(folded) == 1:
            return folded[0]
        listed = ", ".join(f"“{v}”" for v in valid) or "none"
        raise ToolInputError(
            f"“{option_name}” is not an option of “{name}”. Valid options: {listed}."
        )

    for old, new in ((args.rename_options or {}).get(key) or {}).items():
        option = find(old)
        plan.changes.append(f"renamed option “{option['name']}” of “{name}” to “{new}”")
        option["name"] = new
    for gone in (args.remove_options or {}).get(key) or []:
        option = find(gone)
        options.remove(option)
        plan.changes.append(f"removed option “{option['name']}” from “{name}”")
    names = {o.get("name", "").casefold() for o in options}
    for new in (args.add_options or {}).get(key) or []:
        if new.strip().casefold() in names:
            raise ToolInputError(f"“{name}” already has the option “{new}”.")
        options.append({"name": new.strip()})
        plan.changes.append(f"added option “{new.strip()}” to “{name}”")
    return [
        {k: v for k, v in o.items() if k in ("id", "name", "color", "description")} for o in options
    ]


def _plan_additions(ctx, plan: _Plan, args, schema: dict, removed: set) -> None:
    specs = args.add_properties or {}
    for name, spec in specs.items():
        existing = [
            key for key in schema if key.casefold() == name.casefold() and key not in removed
        ]
        if existing:
            raise ToolInputError(f"There is already a property named “{existing[0]}”.")
        if spec.type == "title":
            raise ToolInputError("A database has exactly one title property; rename it instead.")
    for name, definition in schema_to_notion(ctx, specs, resolve_data_source).items():
        plan.properties[name] = definition
        plan.changes.append(f"added {definition['type']} property “{name}”")


def update_database(ctx: ToolContext, args: UpdateDatabaseInput) -> dict:
    data_source = resolve_data_source(ctx, args.database_id)
    database_id = (data_source.get("parent") or {}).get("database_id")
    plan = _plan(ctx, args, data_source.get("properties") or {})
    title = None
    if plan.database:
        database = ctx.client.databases_update(database_id, body=plan.database)
        title = plain(database.get("title"))
    if plan.properties:
        data_source = ctx.client.data_sources_update(
            data_source["id"], body={"properties": plan.properties}
        )
    return {
        "id": database_id,
        "data_source_id": data_source["id"],
        "url": data_source.get("url"),
        "title": title if title is not None else plain(data_source.get("title")),
        "changes": plan.changes,
        "properties": schema_summary(data_source.get("properties") or {}),
    }


def _applied(args: UpdateDatabaseInput, schema: dict) -> bool:
    names = set(schema)
    renamed = args.rename_properties or {}
    if any(name in names for name in args.remove_properties or []):
        return False
    if any(old in names or new not in names for old, new in renamed.items()):
        return False
    if any(name not in names for name in args.add_properties or {}):
        return False
    for key, options in _wanted_options(args).items():
        prop = schema.get(renamed.get(key, key))
        present = set(property_options(prop)) if prop else set()
        if prop is None or not options["present"] <= present or options["absent"] & present:
            return False
    return True


def _wanted_options(args: UpdateDatabaseInput) -> dict[str, dict[str, set]]:
    wanted: dict[str, dict[str, set]] = {}
    for key, names in (args.add_options or {}).items():
        wanted.setdefault(key, {"present": set(), "absent": set()})["present"].update(names)
    for key, pairs in (args.rename_options or {}).items():
        entry = wanted.setdefault(key, {"present": set(), "absent": set()})
        entry["present"].update(pairs.values())
        entry["absent"].update(set(pairs) - set(pairs.values()))
    for key, names in (args.remove_options or {}).items():
        wanted.setdefault(key, {"present": set(), "absent": set()})["absent"].update(names)
    return wanted


def _changes_schema(args: UpdateDatabaseInput) -> bool:
    return any(
        (
            args.add_properties,
            args.rename_properties,
            args.remove_properties,
            args.add_options,
            args.rename_options,
            args.remove_options,
        )
    )


def find_updated_database(
    ctx: ToolContext, args: UpdateDatabaseInput, since: datetime
) -> dict | None:
    """After an attempt with an unknown outcome: the schema already shows the change (so
    sending it again would fail on names that no longer exist), or None to send it."""
    data_source = resolve_data_source(ctx, args.database_id)
    schema = data_source.get("properties") or {}
    if not (
        args.add_properties or args.rename_properties or args.remove_properties or args.add_options
    ):
        return None
    if not _applied(args, schema):
        return None
    return {
        "id": (data_source.get("parent") or {}).get("database_id"),
        "data_source_id": data_source["id"],
        "url": data_source.get("url"),
        "title": plain(data_source.get("title")),
        "changes": ["the change was applied by an earlier attempt"],
        "properties": schema_summary(schema),
    }


UPDATE_DATABASE = Tool(
    name="notion_update_database",
    description=(
        "Change a database's title, description or schema: add, rename or remove properties "
        "(columns) and add, rename or remove the options of select, multi_select and status "
        "properties. Use it when the user wants to restructure a database; to change the "
        "values of one row use notion_update_database_item. Everything is checked against the "
        "current schema first (unknown names are errors listing the valid ones). Returns the "
        "database and data source ids, the list of changes made, and the resulting schema."
    ),
    access="write",
    input_model=UpdateDatabaseInput,
    handler=update_database,
    find_landed=find_updated_database,
)
