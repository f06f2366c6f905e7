from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionlog",
            name="reserved_slots",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
