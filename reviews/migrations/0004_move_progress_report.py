# The progress report model moved to the reports app (reports/migrations/0001_initial.py takes
# it over). Only Django's record of the models changes: the table and its rows stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0003_progress_reports'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='ProgressReport',
                ),
            ],
            database_operations=[],
        ),
    ]
