"""On PostgreSQL, the database itself refuses to change or delete a security log record: a
trigger refuses every UPDATE, and every DELETE but the retention's (``SecurityEvent.prune``
turns ``security.pruning`` on for its transaction). What escapes the ORM (raw SQL, a shell)
is refused too. It is not a defence against someone holding the database owner's password
(they may drop the trigger): that needs the log shipped elsewhere. SQLite (development,
tests) has only the model's refusals."""

from django.db import migrations

CREATE = [
    """
CREATE OR REPLACE FUNCTION security_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('security.pruning', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'security log records are never changed or deleted';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER security_event_append_only
    BEFORE UPDATE OR DELETE ON security_securityevent
    FOR EACH ROW EXECUTE FUNCTION security_event_append_only()
""",
]

DROP = [
    "DROP TRIGGER IF EXISTS security_event_append_only ON security_securityevent",
    "DROP FUNCTION IF EXISTS security_event_append_only()",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("security", "0001_security_log")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
