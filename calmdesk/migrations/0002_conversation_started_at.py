# Conversation.started_at: when the customer first wrote, stored so that the
# insights queries need no aggregate over the messages (docs/insights.md).

from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery


def backfill_started_at(apps, schema_editor):
    """started_at = the earliest inbound message's sent_at, in one UPDATE.

    The same definition insights used to compute on every query; a
    conversation without an inbound message keeps NULL (insights then falls
    back to created_at, as before, and the first inbound message sets it).
    """
    Conversation = apps.get_model("calmdesk", "Conversation")
    Message = apps.get_model("calmdesk", "Message")
    first_inbound = (
        Message.objects.filter(conversation=OuterRef("pk"), direction="in")
        .order_by()
        .values("conversation")
        .annotate(first=Min("sent_at"))
        .values("first")
    )
    Conversation.objects.using(schema_editor.connection.alias).filter(
        started_at__isnull=True
    ).update(started_at=Subquery(first_inbound))


class Migration(migrations.Migration):

    dependencies = [
        ('calmdesk', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='conversation',
            name='started_at',
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(backfill_started_at, migrations.RunPython.noop, elidable=True),
    ]
