import uuid

from django.db import connection, connections, models, transaction
from django.db.models import sql
from django.utils import timezone

# requestParameters keys that name the resource an event acted on (CloudTrail's "Resource name").
RESOURCE_KEYS = (
    "userName",
    "newUserName",
    "groupName",
    "roleName",
    "policyArn",
    "policyName",
    "instanceProfileName",
    "serialNumber",
    "virtualMFADeviceName",
    "accessKeyId",
    "roleArn",
    "openIDConnectProviderArn",
    "sAMLProviderArn",
)


def identity_user_name(identity):
    """The user name Event history shows for a userIdentity: "root", a role session by its session
    name (the ARN's last part), otherwise the identity's userName."""
    identity = identity or {}
    kind = identity.get("type")
    if kind == "Root":
        return "root"
    if kind == "AssumedRole":
        return identity.get("arn", "").rsplit("/", 1)[-1]
    return identity.get("userName", "")


NAME_MAX = 2048


def parameters_resource_names(parameters):
    """The resource names an event's requestParameters name, in RESOURCE_KEYS order, each once."""
    parameters = parameters if isinstance(parameters, dict) else {}
    names = []
    for key in RESOURCE_KEYS:
        value = parameters.get(key)
        # Longer than any ARN (2,048 characters): a refused call's hostile input names no resource.
        if isinstance(value, str) and value and len(value) <= NAME_MAX and value not in names:
            names.append(value)
    return names


class AuditEventManager(models.Manager):
    def record(self, **fields):
        """Create an event with the names Event history filters on (its user name, its resources)."""
        event = self.model(**fields)
        if connections[self.db].vendor == "postgresql":
            return self._record_at_once(event)
        return self.bulk_record([event])[0]

    def _record_at_once(self, event):
        """bulk_record of one event on PostgreSQL in one statement: the event, its resource names and
        the rollup, written together by data-modifying WITH queries (every API call records one, and
        three round trips, with BEGIN and COMMIT around them, cost more than the writes)."""
        connection = connections[self.db]
        event.user_name = identity_user_name(event.user_identity)[:NAME_MAX]
        meta = self.model._meta
        insert = sql.InsertQuery(self.model)
        insert.insert_values([field for field in meta.concrete_fields if field is not meta.pk], [event])
        compiler = insert.get_compiler(using=self.db)
        compiler.returning_fields = [meta.pk]
        [(insert_sql, params)] = compiler.as_sql()
        qn = connection.ops.quote_name
        parts = [f"WITH event AS ({insert_sql})"]
        params = list(params)
        names = parameters_resource_names(event.request_parameters)
        if names:
            parts.append(
                f", names AS (INSERT INTO {qn(AuditEventResource._meta.db_table)} (event_id, name)"
                " SELECT event.id, name FROM event, UNNEST(%s::varchar[]) AS name)"
            )
            params.append(names)
        if event.principal_id:
            rollup, rollup_params = ServiceLastAccess.objects.roll_up_sql(
                [
                    (
                        event.principal_id,
                        event.event_source,
                        event.event_name,
                        event.aws_region,
                        event.account_id,
                        connection.ops.adapt_datetimefield_value(event.event_time),
                    )
                ]
            )
            parts.append(f", rollup AS ({rollup})")
            params += rollup_params
        # One statement is atomic on its own: outside a transaction (a read's event) it needs no BEGIN.
        with connection.cursor() as cursor:
            cursor.execute(" ".join([*parts, "SELECT id FROM event"]), params)
            event.pk = cursor.fetchone()[0]
        event._state.adding, event._state.db = False, self.db
        return event

    @transaction.atomic(savepoint=False)
    def bulk_record(self, events, *, batch_size=None):
        """Create events with their names and their identities' last accessed rollup, in one
        transaction."""
        for event in events:
            event.user_name = identity_user_name(event.user_identity)[:NAME_MAX]
        events = self.bulk_create(events, batch_size=batch_size)
        resources = [
            AuditEventResource(event=event, name=name)
            for event in events
            for name in parameters_resource_names(event.request_parameters)
        ]
        AuditEventResource.objects.bulk_create(resources, batch_size=batch_size)
        ServiceLastAccess.objects.roll_up(events, batch_size=batch_size or 2000)
        return events


class AuditEvent(models.Model):
    """One record shaped like a CloudTrail event: every write and every sign-in leaves one."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Deleted by the database with its account, as its resource names are with it (below).
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.DB_CASCADE, related_name="audit_events", null=True
    )
    # Now, unless an import or a test gives the time a call was made.
    event_time = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    event_source = models.CharField(max_length=64, default="iam.amazonaws.com")
    event_name = models.CharField(max_length=64, db_index=True)
    event_type = models.CharField(max_length=32, default="AwsApiCall")
    user_identity = models.JSONField(default=dict)
    # identity_user_name(user_identity), kept in a column so that the "User name" filter is indexed.
    user_name = models.CharField(max_length=NAME_MAX, blank=True, default="")
    source_ip_address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    request_parameters = models.JSONField(null=True, blank=True)
    response_elements = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    read_only = models.BooleanField(default=False)
    # CloudTrail's awsRegion: the region the call was signed for (IAM's console records us-east-1).
    aws_region = models.CharField(max_length=32, default="us-east-1")
    # The unique ID of the IAM identity behind the call (AIDA… for a user and the federated users it
    # makes, AROA… for every session of a role, the account ID for root): what Access Advisor's last
    # accessed information is counted by, read through an index instead of the userIdentity JSON.
    # An ID rather than an ARN: a user renamed keeps its history, a new user of the same name has none.
    principal_id = models.CharField(max_length=128, blank=True)

    objects = AuditEventManager()

    class Meta:
        ordering = ["-event_time", "-id"]
        # Event history reads one account's events newest first, whatever the filters.
        indexes = [
            models.Index(fields=["account", "-event_time"], name="audit_account_time_idx"),
            # Last accessed: an identity's latest call to each service (and action).
            models.Index(fields=["principal_id", "event_source", "-event_time"], name="audit_principal_idx"),
            models.Index(fields=["account", "user_name", "-event_time"], name="audit_account_user_time_idx"),
            # The dashboard's sign-ins and refused calls per day: a few rows among every call.
            models.Index(
                fields=["account", "event_time"],
                name="audit_signin_refused_idx",
                condition=models.Q(event_name="ConsoleLogin")
                | models.Q(error_code__startswith="AccessDenied"),
            ),
        ]

    def __str__(self):
        return f"{self.event_name} at {self.event_time:%Y-%m-%d %H:%M:%S}"


class AuditEventResource(models.Model):
    """One resource name an event's requestParameters name: the "Resource name" filter's index."""

    # Deleted by the database with its event, so that deleting events (the daily purge, an account)
    # stays one DELETE rather than Django collecting every event first.
    event = models.ForeignKey(AuditEvent, on_delete=models.DB_CASCADE, related_name="resources")
    name = models.CharField(max_length=NAME_MAX)

    class Meta:
        indexes = [models.Index(fields=["name", "event"], name="audit_resource_name_idx")]

    def __str__(self):
        return self.name


class ServiceLastAccessManager(models.Manager):
    def roll_up(self, events, *, batch_size=2000):
        """Keep each identity's latest call per service, action and region up to date with `events`
        (in the transaction that records them). An upsert that only ever moves a time forward: two
        requests that commit out of order leave the newer time, and PostgreSQL makes the second wait
        for the first's row rather than lose either."""
        latest = {}
        for event in events:
            if not event.principal_id:
                continue
            key = (event.principal_id, event.event_source, event.event_name, event.aws_region)
            if key not in latest or event.event_time > latest[key][1]:
                latest[key] = (event.account_id, event.event_time)
        # Sorted, so that two batches lock the rows they share in the same order.
        adapt = connection.ops.adapt_datetimefield_value
        rows = [(*key, account, adapt(moment)) for key, (account, moment) in sorted(latest.items())]
        for start in range(0, len(rows), batch_size):
            with connection.cursor() as cursor:
                cursor.execute(*self.roll_up_sql(rows[start : start + batch_size]))

    def roll_up_sql(self, rows):
        """(SQL, parameters) of the upsert of `rows` (principal, source, name, region, account, time)."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
        return (
            f"INSERT INTO {table} (principal_id, event_source, event_name, aws_region, account_id,"
            f" last_accessed) VALUES {values} ON CONFLICT (principal_id, event_source, event_name,"
            f" aws_region) DO UPDATE SET last_accessed = EXCLUDED.last_accessed"
            f" WHERE EXCLUDED.last_accessed > {table}.last_accessed",
            [value for row in rows for value in row],
        )


class ServiceLastAccess(models.Model):
    """An identity's latest call of one action of a service in one region: Event history rolled up as
    Access Advisor and the lists' "Last activity" read it, a row per identity, action and region rather
    than per event. Written with each event (ServiceLastAccessManager.roll_up)."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.DB_CASCADE, related_name="service_last_accesses", null=True
    )
    principal_id = models.CharField(max_length=128)  # AuditEvent.principal_id
    event_source = models.CharField(max_length=64)
    event_name = models.CharField(max_length=64)
    aws_region = models.CharField(max_length=32)
    last_accessed = models.DateTimeField()

    objects = ServiceLastAccessManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["principal_id", "event_source", "event_name", "aws_region"],
                name="service_last_access_unique",
            )
        ]
        # A group's or a policy's latest call of each action: the rows of the latest times.
        indexes = [
            models.Index(
                fields=["event_source", "event_name", "last_accessed"], name="service_last_access_time_idx"
            )
        ]

    def __str__(self):
        return f"{self.principal_id} {self.event_source}:{self.event_name} at {self.last_accessed}"
