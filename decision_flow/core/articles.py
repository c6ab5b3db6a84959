"""The articles every procedure's trail rests on, whatever the procedure.

Every act is attributable to a registered, proven person, and whoever checks the trail may not
also write cases into it. Decree 713 says so for major decisions (complete records and lifelong
accountability, Arts. 33, 38; the organ and the undertaking unit answer on the record, Arts.
38–39) and the platform applies the same to every procedure it hosts; a procedure's own
articles (the order of its stages, its dates) live with it under :mod:`decision_flow.procedures`.
"""

IDENTITY_ARTICLE = "Arts. 33, 38"  # complete records and lifelong accountability: every act attributable
# The Decree names no auditor; the trail is the evidence on which the decision organ and the
# undertaking unit answer (Arts. 38–39), so whoever checks it may not also write decisions into it.
AUDITOR_ARTICLE = "Arts. 38–39"
