"""Review reminders: who is reminded of which review when, and the delivery of each e-mail.

One job per module, called by the Celery tasks (``reviews/tasks.py``), ``manage.py
send_reminders``, the admin, the "my reminders" page and the tests alike:

- ``schedule``: ``current_stage(review, today)``, the one reminder stage a review is in on a
  day, and ``plan_reminders(review, lead_days, today)``, who gets that stage's reminder, in
  which language, about which stale activities.
- ``sweep``: ``sweep(today=…, dry_run=…)``, for every open review, claims each (review,
  recipient, stage) by inserting its ``Reminder`` row (the unique constraint lets exactly one
  sweep win), and queues its delivery once the row is committed; re-queues failed and
  abandoned deliveries.
- ``delivery``: ``deliver(reminder_id)`` claims one reminder with one conditional UPDATE, sends
  the e-mail, records the outcome; a second delivery of the same reminder finds nothing to
  claim. ``retry_now(ids)`` is the admin's "retry now", through ``deliver``.
- ``email``: the message itself, in the recipient's language(s) and time zone, text and HTML.

Exactly once, and the one window nothing closes: a worker that dies after the mail server
accepted the message and before ``sent`` is recorded leaves the row ``sending``; once its
lease (``REMINDER_CLAIM_MINUTES``) runs out, the next sweep sends it again. That second copy
carries the same ``Message-ID`` header as the first, so mail servers and clients that
de-duplicate can recognise it.
"""
