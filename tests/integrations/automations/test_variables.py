"""Automation variables: filled from the event, the page and the clock; unknown ones refused."""

from datetime import UTC, datetime

import pytest

from integrations.automations.variables import (
    RunContext,
    VariableError,
    render_arguments,
    render_sample,
)

PAGE = {
    "id": "p-1",
    "url": "https://www.notion.so/p-1",
    "properties": {
        "Name": {"id": "title", "type": "title", "title": [{"plain_text": "Fix login"}]},
        "Status": {"id": "s%3A1", "type": "status", "status": {"name": "Done"}},
        "Due date": {"id": "d", "type": "date", "date": {"start": "2026-12-01"}},
    },
}
EVENT = {
    "id": "evt-1",
    "type": "page.properties_updated",
    "timestamp": "2026-11-24T10:00:00.000Z",
    "entity": {"id": "p-1", "type": "page"},
    "data": {"parent": {"id": "db-1", "type": "database", "data_source_id": "ds-1"}},
}


def ctx(**extra):
    loads = []

    def loader(page_id):
        loads.append(page_id)
        return PAGE

    context = RunContext(
        now=datetime(2026, 11, 24, 23, 30, tzinfo=UTC),
        timezone="Europe/Berlin",
        automation_name="Closer",
        event=EVENT,
        page_loader=loader,
        **extra,
    )
    return context, loads


def test_event_page_and_clock_variables_are_filled_in_the_automations_zone():
    context, loads = ctx()
    rendered = render_arguments(
        {
            "page_id": "{event.page_id}",
            "text": "{event.page.title} is {event.page.properties.status} (due "
            "{event.page.properties.Due date}); {{literal}}",
            "when": ["{today}", "{today+7d}", "{now:%H:%M}", "{now-2h:%H:%M}"],
            "ids": "{event.database_id}/{event.data_source_id}/{event.id}",
        },
        context,
    )
    assert rendered == {
        "page_id": "p-1",
        "text": "Fix login is Done (due 2026-12-01); {literal}",
        # 23:30 UTC is already 25 Nov 00:30 in Berlin.
        "when": ["2026-11-25", "2026-12-02", "00:30", "22:30"],
        "ids": "db-1/ds-1/evt-1",
    }
    assert loads == ["p-1"]  # the page is read once, however many variables use it


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{foo}", "Unknown variable {foo}"),
        ("{event.page_id+1d}", "Only {now} and {today} take"),
        ("{ }", "is not a variable"),
        ("{event.page.properties.Owner}", "no property “Owner”"),
    ],
)
def test_unknown_or_misused_variables_are_errors_that_say_what_is_wrong(text, message):
    context, _ = ctx()
    with pytest.raises(VariableError, match=message.replace("{", r"\{").replace("+", r"\+")):
        render_arguments({"text": text}, context)


def test_event_variables_are_refused_for_schedules_at_save_time():
    with pytest.raises(VariableError, match="runs on a schedule"):
        render_sample({"page_id": "{event.page_id}"}, has_event=False)
    assert render_sample({"page_id": "{event.page_id}"}, has_event=True)["page_id"]


@pytest.mark.parametrize(
    ("updated", "prop_id", "touched"),
    [
        (["%3AUPp"], "%3AUPp", True),  # as Notion sends both
        ([":UPp"], "%3AUPp", True),  # one side decoded
        ([{"id": "%3AUPp"}], ":UPp", True),  # objects with ids
        (["title"], "%3AUPp", False),
        ([], "%3AUPp", False),
    ],
)
def test_a_property_counts_as_changed_when_the_event_names_its_id(updated, prop_id, touched):
    from integrations.automations.events import property_touched

    event = {"type": "page.properties_updated", "data": {"updated_properties": updated}}
    assert property_touched(event, {"id": prop_id}) is touched
    assert property_touched({"type": "page.created"}, {"id": prop_id}) is True
