"""评责: review sessions, leaders, evaluators, ballots, notes, feedback, follow-ups."""
import peewee

from ..db import JSONField


def upgrade(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db

    class Unit(Base):
        class Meta:
            table_name = "unit"

    class User(Base):
        class Meta:
            table_name = "user"

    class PackVersion(Base):
        class Meta:
            table_name = "pack_version"

    class ReviewSession(Base):
        title = peewee.CharField(max_length=200)
        held_on = peewee.DateField()
        place = peewee.CharField(max_length=200, default="")
        pack_version = peewee.ForeignKeyField(PackVersion, on_delete="RESTRICT")
        scale = peewee.CharField(max_length=64)
        anonymous = peewee.BooleanField(default=True)
        weights = JSONField()
        status = peewee.CharField(max_length=20, default="preparing", index=True)
        created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()
        opened_at = peewee.DateTimeField(null=True)
        closed_at = peewee.DateTimeField(null=True)
        published_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "review_session"

    class ReviewLeader(Base):
        session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
        position = peewee.IntegerField(default=0)
        unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT")
        name = peewee.CharField(max_length=100, index=True)
        post = peewee.CharField(max_length=100, default="")
        score = peewee.FloatField(null=True)
        grade = peewee.CharField(max_length=64, null=True)
        rank = peewee.IntegerField(null=True)
        follow_up = peewee.BooleanField(default=False)
        result = JSONField(null=True)
        response = peewee.TextField(default="")
        response_on = peewee.DateField(null=True)

        class Meta:
            table_name = "review_leader"

    class ReviewEvaluator(Base):
        session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
        position = peewee.IntegerField(default=0)
        name = peewee.CharField(max_length=100)
        group = peewee.CharField(max_length=64)
        token_hash = peewee.CharField(max_length=64, null=True)
        link_expires_at = peewee.DateTimeField(null=True)
        link_issued_at = peewee.DateTimeField(null=True)
        last_signed_in_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "review_evaluator"

    class ReviewVote(Base):
        session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
        evaluator = peewee.ForeignKeyField(ReviewEvaluator, on_delete="CASCADE")
        leader = peewee.ForeignKeyField(ReviewLeader, on_delete="CASCADE")

        class Meta:
            table_name = "review_vote"
            primary_key = peewee.CompositeKey("evaluator", "leader")

    class ReviewBallot(Base):
        # A random text key and, on SQLite, no hidden rowid: the table keeps no
        # trace of the order in which ballots were cast.
        id = peewee.CharField(max_length=36, primary_key=True)
        session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
        leader = peewee.ForeignKeyField(ReviewLeader, on_delete="CASCADE")
        group = peewee.CharField(max_length=64)
        evaluator = peewee.ForeignKeyField(ReviewEvaluator, null=True, on_delete="CASCADE")
        ballot_key = peewee.CharField(max_length=64, null=True, unique=True)
        data = JSONField()
        grade = peewee.CharField(max_length=64, null=True)
        complete = peewee.BooleanField(default=False)

        class Meta:
            table_name = "review_ballot"
            indexes = ((("evaluator", "leader"), True),)
            without_rowid = isinstance(db, peewee.SqliteDatabase)

    class ReviewNote(Base):
        session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
        leader = peewee.ForeignKeyField(ReviewLeader, on_delete="CASCADE")
        kind = peewee.CharField(max_length=20)
        speaker = peewee.CharField(max_length=100, default="")
        text = peewee.TextField()
        created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "review_note"

    class ReviewFeedback(Base):
        session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
        leader = peewee.ForeignKeyField(ReviewLeader, on_delete="CASCADE")
        position = peewee.IntegerField(default=0)
        text = peewee.TextField()
        status = peewee.CharField(max_length=20, default="draft")
        finding_id = peewee.IntegerField(null=True)
        sent_at = peewee.DateTimeField(null=True)
        created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "review_feedback"

    class ReviewFollowUp(Base):
        session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
        leader = peewee.ForeignKeyField(ReviewLeader, on_delete="CASCADE")
        kind = peewee.CharField(max_length=20)
        action = peewee.CharField(max_length=100)
        text = peewee.TextField()
        due_on = peewee.DateField(null=True)
        status = peewee.CharField(max_length=20, default="draft", index=True)
        decided_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT")
        decided_at = peewee.DateTimeField(null=True)
        finding_id = peewee.IntegerField(null=True)
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "review_follow_up"
            indexes = ((("leader", "action"), True),)

    db.create_tables([ReviewSession, ReviewLeader, ReviewEvaluator, ReviewVote, ReviewBallot, ReviewNote,
                      ReviewFeedback, ReviewFollowUp])
