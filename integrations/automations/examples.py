"""The example automation the product is shown with: "when a row gets Status = Done, comment".

One definition serves the demo, the webhook benchmark and the tests.
"""

from integrations.models import Automation
from integrations.services.automations import automation_create

CLOSE_FINISHED_TASKS = "Close finished tasks"
CLOSING_COMMENT = "Closed by Phinite"


def close_finished_tasks(connection, *, actor, scope_id: str, text: str = CLOSING_COMMENT):
    """Creates (through the service, audited) the automation on `connection`, watching the
    database or data source `scope_id`."""
    return automation_create(
        workspace=connection.workspace,
        connection=connection,
        name=CLOSE_FINISHED_TASKS,
        actor=actor,
        trigger=Automation.Trigger.EVENT,
        event_types=["page.properties_updated"],
        scope_id=scope_id,
        property_name="Status",
        property_value="Done",
        tool_name="notion_add_comment",
        arguments={"page_id": "{event.page_id}", "text": text},
    )
