"""The message catalogue: key -> (English, Chinese) templates, rendered by :func:`i18n.t`."""

MESSAGES: dict[str, tuple[str, str]] = {
    # decisions and the order of stages
    "decision.unknown": ("no decision with id {id}", "没有编号为 {id} 的决策"),
    "decision.closed": ("decision {id} is {status}; it can no longer change", "决策 {id} {status}，不能再变更"),
    "decision.closed.detail": ("the decision is {status}", "决策状态为 {status}"),
    "decision.conflict": (
        "decision {id} was changed by someone else meanwhile; nothing was written, try again",
        "决策 {id} 已被他人同时修改；本次未写入任何内容，请重试",
    ),
    "decision.title_empty": ("the title is empty", "标题为空"),
    "decision.created": (
        "created decision {id} ({workflow}) at stage {stage}",
        "已创建决策 {id}（{workflow}），当前阶段：{stage}",
    ),
    "flag.unknown": ("unknown flag {flag!r} (known: {known})", "未知标记 {flag!r}（可用：{known}）"),
    "flag.too_late": (
        "flag {flag} can no longer change: the decision is at {stage}, past the consultation "
        "it governs; return it to consultation first",
        "标记 {flag} 已不能变更：决策处于 {stage}，已过其所决定的征求意见阶段；请先退回",
    ),
    "flag.unchanged": ("flag {flag} is already {value}", "标记 {flag} 的值已是“{value}”"),
    "flag.no_reason": ("changing a flag needs a reason (--reason)", "变更标记须说明理由（--reason）"),
    "flag.done": (
        "flag {flag} set to {value}; reopened: {reopened}",
        "标记 {flag} 已设为“{value}”；重新打开：{reopened}",
    ),
    "step.other_stage": (
        "step {step} belongs to stage {stage}; the decision is at {current}",
        "步骤 {step} 属于 {stage} 阶段，决策当前处于 {current} 阶段",
    ),
    "step.closed": (
        "step {step} is already {status}; return the decision to reopen it",
        "步骤 {step} {status}；如需重做，请退回决策",
    ),
    "stage.step_open": ("step {step} is neither completed nor lawfully waived", "步骤 {step} 既未完成也未依法免除"),
    "advance.skip": (
        "cannot go to {to}: the decision is at {current} and only {next} comes next",
        "不能跳至 {to}：决策处于 {current} 阶段，下一阶段只能是 {next}",
    ),
    "stage.never_skipped": ("{step} can never be skipped", "{step} 不得跳过"),
    "advance.refused": ("cannot leave stage {stage}", "不能离开 {stage} 阶段"),
    "advance.outcome": (
        "the meeting decided {outcome}; record it with `dflow complete` instead",
        "会议决定为 {outcome}；请用 `dflow complete` 记录该结果",
    ),
    "advance.done": ("decision {id} moved to {stage}", "决策 {id} 已进入 {stage}"),
    "complete.refused": ("step {step} cannot be completed", "步骤 {step} 不能完成"),
    "complete.done": ("step {step} completed; the decision is at {stage}", "步骤 {step} 已完成；决策当前处于 {stage}"),
    "record.nothing": (
        "nothing to record: give --set field=value or --attach kind=FILE",
        "没有要记录的内容：请用 --set 字段=值 或 --attach 类别=文件",
    ),
    "record.refused": ("cannot record on step {step}", "不能在步骤 {step} 上记录"),
    "record.done": ("recorded on step {step}", "已记录到步骤 {step}"),
    "waive.no_reason": ("a waiver needs a reason (--reason)", "免除须说明理由（--reason）"),
    "waive.refused": ("step {step} cannot be waived", "步骤 {step} 不能免除"),
    "waive.done": ("step {step} waived", "步骤 {step} 已免除"),
    "return.no_reason": ("a return needs a reason (--reason)", "退回须说明理由（--reason）"),
    "return.not_earlier": (
        "cannot return to {to}: it is not a stage before {current}",
        "不能退回 {to}：它不在 {current} 之前",
    ),
    "return.not_far_enough": (
        "cannot return only to {to}: the finding requires a return to {needed}",
        "不能只退回到 {to}：该情形须退回 {needed}",
    ),
    "return.done": ("decision {id} returned to {stage}", "决策 {id} 已退回 {stage}"),
    "required.field": ("{step}: {field} is not recorded", "{step}：未记录 {field}"),
    "required.evidence": ("{step}: evidence {kind} is not attached", "{step}：未附 {kind} 材料"),
    "waiver.never": ("{step} can never be waived", "{step} 不得免除"),
    "waiver.only_when": (
        "{step} may be waived only when the matter is {flag}",
        "仅当决策事项为 {flag} 时方可免除 {step}",
    ),
    "waiver.unless": ("{step} is mandatory for a {flag} decision", "{flag} 的决策必须进行 {step}"),
    "waiver.unless_ref": (
        "{step} is mandatory for a {flag} decision unless an earlier assessment is referenced (--reference)",
        "{flag} 的决策必须进行 {step}，除非注明已有评估（--reference）",
    ),
    # rules
    "rule.needs_fields": ("{fields} must be recorded for this check", "须先记录 {fields}"),
    "rule.date_order": ("{later} is before {earlier}", "{later} 早于 {earlier}"),
    "rule.min_days": (
        "{start} to {end} is {days} days; at least {min} are required",
        "{start} 至 {end} 仅 {days} 日，至少须 {min} 日",
    ),
    "rule.min_days_unless": (
        "{start} to {end} is {days} days; at least {min} are required unless {unless} is recorded",
        "{start} 至 {end} 仅 {days} 日，至少须 {min} 日，除非记录 {unless}",
    ),
    "rule.min_working_days": (
        "{start} to {end} is {days} working days on the official calendar; at least {min} are required",
        "{start} 至 {end} 按法定工作日历仅 {days} 个工作日，至少须 {min} 个",
    ),
    "rule.calendar": (
        "the official calendar has no data for {year} (chinese-calendar covers {first}–{last}; imported years:"
        " {imported}); an admin can import the State Council's notice for {year}: dflow calendar import FILE",
        "法定工作日历没有 {year} 年的数据（chinese-calendar 覆盖 {first}–{last} 年；已导入年份：{imported}）；"
        "管理员可导入国务院办公厅关于 {year} 年节假日安排的通知：dflow calendar import 文件",
    ),
    "rule.late": (
        "{field} is {days} working days after the decision; due within {max} (recorded as late)",
        "{field} 距决策已 {days} 个工作日，应在 {max} 个工作日内（记为逾期）",
    ),
    "rule.flag_requires": (
        "the decision is {flag}: {field} must be {value}",
        "该决策为 {flag}：{field} 必须为 {value}",
    ),
    "rule.evidence_when": (
        "{field} is true: evidence {evidence} must be attached",
        "{field} 为是：须附 {evidence} 材料",
    ),
    "rule.field_equals": ("{field} must be {value}", "{field} 必须为 {value}"),
    "rule.min_items": ("{field} needs at least {min} item(s)", "{field} 至少须 {min} 项"),
    "rule.not_greater": ("{field} may not exceed {than}", "{field} 不得大于 {than}"),
    "rule.blocks_leaving": (
        "{step} recorded {field}={value}: return the decision to {stage}",
        "{step} 记录 {field}={value}：须将决策退回 {stage}",
    ),
    "rule.stances_format": (
        "{field} must list each member as name:agree|disagree|abstain (bad: {items})",
        "{field} 须逐人记录为 姓名:agree|disagree|abstain（有误：{items}）",
    ),
    "rule.dissent": ("a member disagreed: record the dissent in {field}", "有成员不同意：须在 {field} 中记录不同意见"),
    "rule.head_reasons": (
        "the head decided {decision} against a majority that {majority}d: record the reasons in {field}",
        "行政首长决定 {decision} 与多数意见（{majority}）不一致：须在 {field} 中说明理由",
    ),
    "rule.packet": ("the meeting packet lacks {items}", "会议材料缺少 {items}"),
    "rule.archive": ("the case file is not complete and intact: {problems}", "案卷不完整或材料被改动：{problems}"),
    "date.future": ("{field} {date} is in the future (today is {today})", "{field} {date} 晚于今天（{today}）"),
    "date.before_previous": (
        "{field} {date} is before {other} {other_date} of an earlier stage",
        "{field} {date} 早于前一阶段的 {other} {other_date}",
    ),
    # users and roles
    # signing keys
    "key.bad_public": (
        "not a public key: give it as ed25519:… exactly as dflow key new printed it",
        "不是有效的公钥：请按 dflow key new 输出的 ed25519:… 原样填写",
    ),
    "key.missing": (
        "no key file for {name} at {path}: acting as {name} needs {name}'s own private key",
        "{path} 处没有 {name} 的密钥文件：以 {name} 身份操作须持有其本人私钥",
    ),
    "key.unreadable": ("the key file {path} cannot be read as a private key", "密钥文件 {path} 无法作为私钥读取"),
    "key.exposed": (
        "the key file {path} can be read by others (mode {mode}); run chmod 600 {path}",
        "密钥文件 {path} 他人可读（权限 {mode}）；请执行 chmod 600 {path}",
    ),
    "key.not_owned": ("the key file {path} belongs to another account", "密钥文件 {path} 属于其他账户"),
    "key.locked": (
        "{name}'s key file {path} is protected by a passphrase: set DFLOW_PASSPHRASE or run on a terminal",
        "{name} 的密钥文件 {path} 设有口令：请设置 DFLOW_PASSPHRASE 或在终端中运行",
    ),
    "key.wrong_passphrase": ("wrong passphrase for the key file {path}", "密钥文件 {path} 的口令不正确"),
    "key.cannot_write": ("cannot write the key file {path}: {error}", "无法写入密钥文件 {path}：{error}"),
    "key.passphrase_needed": (
        "--passphrase needs a terminal to ask on, or DFLOW_NEW_PASSPHRASE",
        "--passphrase 需要在终端中输入口令，或设置 DFLOW_NEW_PASSPHRASE",
    ),
    "key.none": (
        "{name} has no registered signing key; an admin issues one with dflow key issue {name}",
        "{name} 没有已登记的签名密钥；请管理员用 dflow key issue {name} 签发",
    ),
    "key.mismatch": (
        "the key in the key file is not {name}'s registered key: acting as {name} is refused",
        "密钥文件中的密钥不是 {name} 已登记的密钥：拒绝以 {name} 身份操作",
    ),
    "key.ask_admin": (
        "{name} has no key and other users do: another admin issues it with dflow key issue {name}",
        "{name} 没有密钥而其他用户已有：请另一位管理员用 dflow key issue {name} 签发",
    ),
    "key.has_key": (
        "{name} already has a registered key: {name} rotates it (dflow key rotate), or an admin revokes it first",
        "{name} 已有登记的密钥：由本人轮换（dflow key rotate），或先由管理员吊销",
    ),
    "key.taken": (
        "that key is already {holder}'s; {name} needs a key of their own",
        "该密钥已属于 {holder}；{name} 需要本人自己的密钥",
    ),
    "key.retired": (
        "key {fingerprint} was revoked or rotated away and is never registered again; {name} needs a new key"
        " (move the old key file away, or give --public-key)",
        "密钥 {fingerprint} 已被吊销或轮换，不能再次登记；{name} 需要新密钥（请移走旧密钥文件，或提供 --public-key）",
    ),
    "key.no_reason": ("revoking a key needs a reason (--reason)", "吊销密钥须说明理由（--reason）"),
    "key.none_to_revoke": ("{name} has no registered key to revoke", "{name} 没有可吊销的登记密钥"),
    "key.exists": (
        "a key file for {name} already exists at {path}; it is never overwritten",
        "{path} 处已有 {name} 的密钥文件，不会覆盖",
    ),
    "key.created": (
        "key pair for {name} written to {path} (readable by you only)\npublic key: {public}",
        "{name} 的密钥对已写入 {path}（仅本人可读）\n公钥：{public}",
    ),
    "key.shown": ("{name}: {public} ({fingerprint})", "{name}：{public}（{fingerprint}）"),
    "key.rotated": (
        "{name}'s key rotated: new key {fingerprint} in {path}; the old key signs no more",
        "{name} 的密钥已轮换：新密钥 {fingerprint} 位于 {path}；旧密钥不再有效",
    ),
    "key.issued": ("key {fingerprint} registered for {name}{where}", "已为 {name} 登记密钥 {fingerprint}{where}"),
    "key.written_to": ("; its key file is {path}: hand it to {name} only", "；密钥文件为 {path}：只能交给 {name} 本人"),
    "key.revoked": (
        "{name}'s key {fingerprint} revoked; {name} cannot act until an admin issues a new key",
        "{name} 的密钥 {fingerprint} 已吊销；管理员签发新密钥前 {name} 不能操作",
    ),
    "user.none": ("no acting user: give --as NAME or set DFLOW_USER", "未指明操作人：请用 --as 姓名 或设置 DFLOW_USER"),
    "user.unknown": ("{name!r} is not a registered user", "{name!r} 不是已登记的用户"),
    "user.exists": ("user {name!r} already exists", "用户 {name!r} 已存在"),
    "user.bad_name": (
        "{name!r} is not a usable user name (1–64 characters, no spaces, commas, colons or slashes,"
        " not starting with a dot)",
        "{name!r} 不能作为用户名（1–64 个字符，不含空格、逗号、冒号、斜杠，不以点开头）",
    ),
    "user.bad_role": ("unknown role {role!r} (roles: {roles})", "未知角色 {role!r}（可用：{roles}）"),
    "user.added": ("user {name} added with roles {roles}{where}", "已添加用户 {name}，角色：{roles}{where}"),
    "user.admin_exists": (
        "an admin already exists ({name}); ask them to add users with `dflow user add`",
        "已有管理员（{name}）；请由其用 `dflow user add` 添加用户",
    ),
    "role.denied": (
        "{user} may not act on {step}: it needs the role {roles}",
        "{user} 无权办理 {step}：需要角色 {roles}",
    ),
    "role.detail": ("this needs the role {roles}", "需要角色 {roles}"),
    "role.admin": ("only an admin may manage users", "只有管理员可以管理用户"),
    "user.roles_changed": ("user {name} now has roles {roles}", "用户 {name} 的角色已改为：{roles}"),
    "user.roles_unchanged": ("user {name} already has roles {roles}", "用户 {name} 的角色已是：{roles}"),
    "user.deactivated": (
        "user {name} deactivated; their history stays attributable to them",
        "用户 {name} 已停用；其历史记录仍归属于该用户",
    ),
    "user.already_inactive": ("user {name} is already deactivated", "用户 {name} 已停用"),
    "user.last_admin": (
        "{name} is the last active admin; add another admin first",
        "{name} 是最后一名在用管理员；请先添加另一名管理员",
    ),
    "user.not_self": (
        "{name} may not change their own account; another admin must do it",
        "{name} 不得变更本人账户；须由另一名管理员办理",
    ),
    "user.auditor_independent": (
        "{name} may not be an auditor and also {roles}: whoever checks the record may not write decisions into it",
        "{name} 不得既是审计人员又担任 {roles}：核查记录的人不得同时办理决策",
    ),
    "sod.review": (
        "{user} recorded {steps} of decision {id} and may not act on its legality review: "
        "the review must be independent of the undertaking unit",
        "{user} 办理过决策 {id} 的 {steps}，不得办理其合法性审查：审查须独立于决策承办单位",
    ),
    # values and files
    "value.assignment": (
        "{item!r} is not of the form name=value ({option})",
        "{item!r} 不是 名称=值 的形式（{option}）",
    ),
    "value.too_long": ("{what} is longer than {limit} characters", "{what} 超过 {limit} 个字符"),
    "value.control": ("{what} contains control characters or undecodable bytes", "{what} 含有控制字符或无法解码的字节"),
    "value.date": ("{what}: {value!r} is not a date (YYYY-MM-DD)", "{what}：{value!r} 不是有效日期（YYYY-MM-DD）"),
    "value.integer": ("{what}: {value!r} is not a whole number", "{what}：{value!r} 不是整数"),
    "value.range": ("{what} must be between 0 and {max}", "{what} 须在 0 至 {max} 之间"),
    "value.bool": ("{what}: {value!r} is not true or false", "{what}：{value!r} 不是 是/否（true/false）"),
    "value.id": ("{value!r} is not a decision id (a whole number)", "{value!r} 不是决策编号（整数）"),
    "field.unknown": (
        "step {step} has no field {field!r} (fields: {known})",
        "步骤 {step} 没有字段 {field!r}（字段：{known}）",
    ),
    "field.choice": ("{field} must be one of {choices}, not {value!r}", "{field} 须为 {choices} 之一，而非 {value!r}"),
    "evidence.unknown": (
        "step {step} takes no evidence {kind!r} (kinds: {known})",
        "步骤 {step} 不接受材料类别 {kind!r}（类别：{known}）",
    ),
    "evidence.not_a_file": ("{path}: no such file", "{path}：文件不存在"),
    "evidence.unreadable": ("{path}: cannot be read ({why})", "{path}：无法读取（{why}）"),
    # database and audit
    "db.bad_url": ("{url!r} is not a database URL", "{url!r} 不是有效的数据库地址"),
    "db.no_driver": (
        "the database driver {driver} for {url} is not installed (PostgreSQL: pip install 'decision-flow[postgres]'"
        " and a postgresql+psycopg:// URL)",
        "{url} 所需的数据库驱动 {driver} 未安装（PostgreSQL：pip install 'decision-flow[postgres]'，"
        "并使用 postgresql+psycopg:// 地址）",
    ),
    "db.denied": (
        "the database login may not make this change ({error}); ask the database administrator"
        " for the grants in docs/operations.md",
        "数据库登录账号无权进行此项变更（{error}）；请数据库管理员按 docs/operations.md 授权",
    ),
    "db.unsupported": (
        "{url} is neither SQLite nor PostgreSQL: decision-flow keeps its records in one of those two",
        "{url} 既不是 SQLite 也不是 PostgreSQL：decision-flow 只使用这两种数据库",
    ),
    "db.not_initialised": (
        "no decision-flow database at {url}: run `dflow init --admin NAME` first",
        "{url} 尚无 decision-flow 数据库：请先运行 `dflow init --admin 姓名`",
    ),
    "db.not_a_database": (
        "{url} is not a decision-flow database (not an SQLite file)",
        "{url} 不是 decision-flow 数据库（不是 SQLite 文件）",
    ),
    "db.unreachable": ("cannot open the database {url}: {why}", "无法打开数据库 {url}：{why}"),
    "db.behind": (
        "the database {url} is at schema revision {revision}, this dflow expects {head}: run `dflow init` to "
        "upgrade it (nothing is lost), or use the newer dflow that wrote it",
        "数据库 {url} 的结构版本为 {revision}，本程序需要 {head}：请运行 `dflow init` 升级（数据不会丢失），"
        "或使用写入它的较新版本",
    ),
    "db.foreign": (
        "the database already holds tables that are not decision-flow's ({tables}); use an empty database",
        "该数据库已有不属于 decision-flow 的表（{tables}）；请使用空数据库",
    ),
    "db.ready": ("database ready at {url}", "数据库已就绪：{url}"),
    "export.done": ("wrote {file} ({fmt}, {events} events)", "已导出 {file}（{fmt}，{events} 条记录）"),
    "audit.ok": ("audit trail verified: {events} events, chain intact", "审计记录校验通过：共 {events} 条，链完整"),
    "audit.ok_signed": (
        "audit trail verified: {events} events, chain intact, {signed} signatures valid",
        "审计记录校验通过：共 {events} 条，链完整，{signed} 个签名有效",
    ),
    "audit.recalled": (
        "  ({recalled} of the signatures were checked by an earlier verification on this machine, of exactly"
        " these events; --full checks them all again)",
        "  （其中 {recalled} 个签名已由本机此前的校验核验，所涉记录未有任何改动；使用 --full 可全部重新核验）",
    ),
    "audit.bad": ("audit trail FAILED at event {seq}: {reason}", "审计记录校验失败，首个问题在第 {seq} 条：{reason}"),
    "audit.evidence_bad": (
        "evidence file {sha256} of event {seq} is missing or altered",
        "第 {seq} 条记录的材料文件 {sha256} 缺失或被改动",
    ),
    # the demo
    "demo.db": ("throwaway database: {path}", "临时数据库：{path}"),
    "demo.created": ("decision {id} created: {title}", "已创建决策 {id}：{title}"),
    "demo.recorded": (
        "{actor} recorded {step}: {n} fields, {files} evidence files",
        "{actor} 记录 {step}：{n} 项字段，{files} 份材料",
    ),
    "demo.refused": (
        "REFUSED skip to {stage}: {why} [{article}]",
        "已拒绝跳过程序直接进入{stage}：{why}【{article}】",
    ),
    "demo.waived": ("{step} waived with a reason: {reason}", "{step} 已说明理由免除：{reason}"),
    "demo.advanced": ("→ {stage}", "→ {stage}"),
    "internal": (
        "internal error: {error} (set DFLOW_DEBUG=1 for details)",
        "内部错误：{error}（设置 DFLOW_DEBUG=1 查看详情）",
    ),
    # workflow definitions: pinned per case, installed, migrated
    "workflow.unknown": ("no workflow named {name!r} (known: {known})", "没有名为 {name!r} 的流程（可用：{known}）"),
    "workflow.definition_missing": (
        "the definition {name} {sha256} that a case runs under is neither shipped nor kept in this database",
        "案件所依据的流程定义 {name} {sha256} 既不是随软件提供的，也不在本数据库中",
    ),
    "workflow.stored_altered": (
        "the stored definition {name} version {version} no longer matches its SHA-256 {sha256}: it was altered",
        "数据库中的流程定义 {name} 第 {version} 版与其 SHA-256 {sha256} 不符：已被改动",
    ),
    "workflow.case_mismatch": (
        "decision {id} records {name} version {version}, but its SHA-256 is that of {found}",
        "决策 {id} 记录的是 {name} 第 {version} 版，但其 SHA-256 属于 {found}",
    ),
    "workflow.version_unknown": ("workflow {name} has no version {version}", "流程 {name} 没有第 {version} 版"),
    "workflow.version_differs": (
        "workflow {name} version {version} is already kept in this database with other content; "
        "a changed file needs a new version",
        "本数据库已保存内容不同的流程 {name} 第 {version} 版；文件有改动须使用新的版本号",
    ),
    "workflow.version_taken": (
        "workflow {name} version {version} already exists with other content; give the changed file a new version",
        "流程 {name} 第 {version} 版已存在且内容不同；改动后的文件须使用新的版本号",
    ),
    "workflow.version_old": (
        "workflow {name} version {version} is older than the newest, version {newest}; versions only go up",
        "流程 {name} 第 {version} 版早于最新的第 {newest} 版；版本号只能递增",
    ),
    "workflow.installed": (
        "installed workflow {name} version {version} (SHA-256 {sha256}); new cases use it",
        "已安装流程 {name} 第 {version} 版（SHA-256 {sha256}）；新建案件将使用此版本",
    ),
    "workflow.unchanged": (
        "workflow {name} version {version} is already installed, unchanged",
        "流程 {name} 第 {version} 版已安装，内容相同，未作改动",
    ),
    "migrate.same": ("decision {id} already runs version {version}", "决策 {id} 已在使用第 {version} 版"),
    "migrate.other_procedure": (
        "{name} version {version} follows another procedure",
        "{name} 第 {version} 版属于另一程序",
    ),
    "migrate.refused": (
        "decision {id} cannot move from {name} version {old} to version {new}: what it has done would change",
        "决策 {id} 不能从 {name} 第 {old} 版迁移到第 {new} 版：已办理的内容会因此改变",
    ),
    "migrate.step_removed": (
        "step {step}, started or completed, is removed by the new version",
        "已开始或已完成的步骤 {step} 在新版本中被删除",
    ),
    "migrate.step_changed": (
        "step {step}, started or completed, is changed by the new version",
        "已开始或已完成的步骤 {step} 在新版本中被改动",
    ),
    "migrate.step_behind": (
        "step {step} of stage {stage}, which the decision has passed, is new or changed in the new version",
        "决策已经过的 {stage} 阶段中的步骤 {step} 在新版本中为新增或被改动",
    ),
    "migrate.stage_missing": (
        "the decision's stage {stage} is not in the new version",
        "决策当前所处的 {stage} 阶段在新版本中不存在",
    ),
    "migrate.flag_missing": ("flag {flag} is not declared by the new version", "新版本未声明标记 {flag}"),
    "migrate.done": (
        "decision {id} now runs {workflow} version {to_version} (was version {from_version})",
        "决策 {id} 已改用 {workflow} 第 {to_version} 版（原为第 {from_version} 版）",
    ),
    # normative documents: locality settings, abstract bases, new rule kinds, closed cases
    "workflow.abstract": (
        "{workflow} is a base workflow and opens no cases: it leaves {settings} to the locality. Write a"
        " locality file that extends it and sets them in [settings], check it with dflow workflow check FILE,"
        " then install it (dflow workflow install FILE) and open cases under its name",
        "{workflow} 是基础流程，不能据以创建案件：{settings} 须由本地设置。请编写继承（extends）该流程并在"
        " [settings] 中设置上述各项的本地流程文件，用 dflow workflow check FILE 校验后安装"
        "（dflow workflow install FILE），再以其名称创建案件",
    ),
    "workflow.setting_unset": (
        "{source}: settings.{name}: is not set; {hint}",
        "{source}：settings.{name} 未设置；{hint}",
    ),
    "setting.filing_deadline": (
        "the filing deadline is the province's rule, which no national text fixes: set it in the file,"
        ' e.g. filing_deadline = {{ days = 15, unit = "calendar" }} (unit: working or calendar)',
        "备案期限由省级规定，全国性文件未作规定：请在流程文件中设置，"
        '例如 filing_deadline = {{ days = 15, unit = "calendar" }}（unit 为 working 工作日或 calendar 自然日）',
    ),
    "setting.consultation_period": (
        "the shortest public-consultation period is the province's rule: set it in the file,"
        ' e.g. consultation_period = {{ days = 30, unit = "calendar" }}',
        "公开征求意见的最短期限由省级规定：请在流程文件中设置，"
        '例如 consultation_period = {{ days = 30, unit = "calendar" }}',
    ),
    "setting.assessment_required": (
        "whether a township must assess (评估论证) its documents is the locality's to say (Art. 75 of the"
        " Organic Law names county level and above): set assessment_required = true or false",
        "乡镇规范性文件是否必须评估论证由本地规定（《地方组织法》第75条仅规定县级以上）："
        "请设置 assessment_required = true 或 false",
    ),
    "setting.consultation_required": (
        "whether a township must consult the public on its documents is the locality's to say (Art. 75 of the"
        " Organic Law names county level and above): set consultation_required = true or false",
        "乡镇规范性文件是否必须公开征求意见由本地规定（《地方组织法》第75条仅规定县级以上）："
        "请设置 consultation_required = true 或 false",
    ),
    "waiver.unless_setting": (
        "{step} is mandatory here: the locality setting {setting} requires it",
        "依本地设置 {setting}，{step} 为必经程序，不得免除",
    ),
    "rule.min_working_days_unless": (
        "{start} to {end} is {days} working days on the official calendar; at least {min} are required"
        " unless {unless} is recorded",
        "{start} 至 {end} 按法定工作日历仅 {days} 个工作日，至少须 {min} 个，除非记录 {unless}",
    ),
    "rule.max_working_days": (
        "{start} to {end} is {days} working days on the official calendar; at most {max} are allowed",
        "{start} 至 {end} 按法定工作日历已 {days} 个工作日，最长不得超过 {max} 个",
    ),
    "rule.max_working_days_unless": (
        "{start} to {end} is {days} working days on the official calendar; at most {max} are allowed"
        " unless {unless} records why",
        "{start} 至 {end} 按法定工作日历已 {days} 个工作日，最长不得超过 {max} 个，除非在 {unless} 中说明原因",
    ),
    "rule.overdue": (
        "{start} to {end} is {days} working days, beyond {max}; recorded as overdue, with the reason in {unless}",
        "{start} 至 {end} 已 {days} 个工作日，超过 {max} 个；已说明原因（{unless}），记为超期",
    ),
    "rule.late_working": (
        "{field} is {days} working days after {since}; due within {max} (recorded as late)",
        "{field} 距 {since} 已 {days} 个工作日，应在 {max} 个工作日内（记为逾期）",
    ),
    "rule.late_calendar": (
        "{field} is {days} days after {since}; due within {max} (recorded as late)",
        "{field} 距 {since} 已 {days} 日，应在 {max} 日内（记为逾期）",
    ),
    "rule.required_when": ("{when} is {value}: {field} must be recorded", "{when} 为 {value}：须记录 {field}"),
    "rule.required_when_set": ("{when} is recorded: {field} must be recorded too", "已记录 {when}：须同时记录 {field}"),
    "rule.requires_outcome": (
        "{step} must be completed with {field} among {values} first (it is {status}, {field}: {found});"
        " nothing else stands in for it",
        "须先完成 {step}，且 {field} 为 {values} 之一（现为 {status}，{field}：{found}）；不得以其他方式代替",
    ),
    "sod.nd_review": (
        "{user} recorded {steps} of case {id} and may not act on its legality review: the reviewing body is"
        " not the drafting unit",
        "{user} 办理过案件 {id} 的 {steps}，不得办理其合法性审核：审核机构须独立于起草单位",
    ),
    "list.workflow_unknown": ("no workflow named {name!r}", "没有名为 {name!r} 的流程"),
    # calendar import
    "calendar.file.missing": ("{file}: no such file", "{file}：文件不存在"),
    "calendar.file.folder": ("{file}: is a folder, not a calendar file", "{file}：是文件夹，不是日历文件"),
    "calendar.file.unreadable": ("{file}: cannot be read ({why})", "{file}：无法读取（{why}）"),
    "calendar.file.too_big": (
        "{file}: larger than {max} bytes; a year's calendar file is far smaller",
        "{file}：超过 {max} 字节；一年的日历文件远小于此",
    ),
    "calendar.file.not_utf8": ("{file}: not UTF-8 text (byte {at})", "{file}：不是 UTF-8 文本（第 {at} 字节）"),
    "calendar.file.syntax": (
        "{file}: not valid {format} (line {line}, column {column})",
        "{file}：不是有效的 {format}（第 {line} 行第 {column} 列）",
    ),
    "calendar.file.not_table": ("{file}: {where} must be a table of keys", "{file}：{where} 须为键值表"),
    "calendar.file.unknown_key": (
        "{file}: unknown key {key!r} (keys: {known})",
        "{file}：未知键 {key!r}（可用：{known}）",
    ),
    "calendar.file.unknown_entry_key": (
        "{file}: {where}: unknown key {key!r} (keys: {known})",
        "{file}：{where} 含未知键 {key!r}（可用：{known}）",
    ),
    "calendar.file.missing_key": ("{file}: {where} is missing", "{file}：缺少 {where}"),
    "calendar.file.not_int": (
        "{file}: {where} must be a whole number, not {value!r}",
        "{file}：{where} 须为整数，而非 {value!r}",
    ),
    "calendar.file.year_range": (
        "{file}: year {year} is not between {first} and {last}",
        "{file}：年份 {year} 不在 {first} 至 {last} 之间",
    ),
    "calendar.file.not_text": ("{file}: {where} must be text in quotes", "{file}：{where} 须为加引号的文字"),
    "calendar.file.empty": ("{file}: {where} is empty", "{file}：{where} 为空"),
    "calendar.file.not_date": (
        "{file}: {where}: {value!r} is not a date (YYYY-MM-DD)",
        "{file}：{where}：{value!r} 不是有效日期（YYYY-MM-DD）",
    ),
    "calendar.file.notice_late": (
        "{file}: notice_date {date} is after the year {year} it arranges",
        "{file}：通知日期 {date} 晚于其所安排的 {year} 年",
    ),
    "calendar.file.not_list": ("{file}: {where} must be a list of entries", "{file}：{where} 须为条目列表"),
    "calendar.file.too_many": (
        "{file}: {where} has {count} entries; a year has at most {max}",
        "{file}：{where} 有 {count} 项；一年至多 {max} 项",
    ),
    "calendar.file.outside_year": (
        "{file}: {where} {date} is not in {year} (only the New Year holiday and its adjusted working days may"
        " begin in the December before; the next New Year belongs to the next year's notice)",
        "{file}：{where} {date} 不在 {year} 年（只有元旦假期及其调休上班日可始于上一年 12 月；"
        "下一个元旦属于下一年的通知）",
    ),
    "calendar.file.period_order": (
        "{file}: {where}: from {first} is after to {last}",
        "{file}：{where}：起始日 {first} 晚于结束日 {last}",
    ),
    "calendar.file.period_long": (
        "{file}: {where} is {days} days long; a holiday period is at most {max}",
        "{file}：{where} 长达 {days} 天；一个假期至多 {max} 天",
    ),
    "calendar.file.overlap": (
        "{file}: {first} and {second} overlap on {date}",
        "{file}：{first} 与 {second} 在 {date} 重叠",
    ),
    "calendar.file.not_weekend": (
        "{file}: {where}: {date} is not a Saturday or Sunday; only a weekend day can be an adjusted working day",
        "{file}：{where}：{date} 不是周六或周日；只有周末才能调为上班日",
    ),
    "calendar.file.duplicate": (
        "{file}: {first} and {second} are both {date}",
        "{file}：{first} 与 {second} 都是 {date}",
    ),
    "calendar.file.both": (
        "{file}: {date} is both a holiday ({period}) and an adjusted working day",
        "{file}：{date} 既在假期（{period}）内又是调休上班日",
    ),
    "calendar.notice_future": (
        "{file}: notice_date {date} is after today ({today})",
        "{file}：通知日期 {date} 晚于今天（{today}）",
    ),
    "calendar.admin": ("only an admin may import the official calendar", "只有管理员可以导入法定工作日历"),
    "calendar.exists": (
        "{year} is already imported (from {notice}, sha256 {sha256}); to replace it give --replace --reason TEXT",
        "{year} 年已导入（依据 {notice}，sha256 {sha256}）；如需替换，请加 --replace --reason 理由",
    ),
    "calendar.nothing_to_replace": (
        "{year} is not imported yet: import it without --replace",
        "{year} 年尚未导入：请不加 --replace 导入",
    ),
    "calendar.unchanged": (
        "{year} is already imported with exactly this content (sha256 {sha256})",
        "{year} 年已按完全相同的内容导入（sha256 {sha256}）",
    ),
    "calendar.no_reason": (
        "replacing an imported year needs a reason (--reason)",
        "替换已导入的年份须说明理由（--reason）",
    ),
    "calendar.reason_alone": ("--reason goes with --replace", "--reason 须与 --replace 同用"),
    "calendar.conflict": (
        "{year} was imported by someone else meanwhile; nothing was written: see dflow calendar show {year}",
        "{year} 年已被他人同时导入；本次未写入任何内容，请用 dflow calendar show {year} 查看",
    ),
    "calendar.damaged": (
        "the imported calendar for {year} in the database does not match its own sha256: run dflow audit verify",
        "数据库中 {year} 年的已导入日历与其 sha256 不符：请运行 dflow audit verify",
    ),
    "calendar.imported": (
        "imported the official calendar for {year} from {notice} ({notice_date}): {holidays} holiday periods,"
        " {workdays} adjusted working days; sha256 {sha256}",
        "已导入 {year} 年法定工作日历，依据 {notice}（{notice_date}）：{holidays} 个假期，{workdays} 个调休上班日；"
        "sha256 {sha256}",
    ),
    "calendar.replaced": (
        "replaced the official calendar for {year} (was sha256 {previous}) with {notice} ({notice_date}):"
        " {holidays} holiday periods, {workdays} adjusted working days; sha256 {sha256}",
        "已替换 {year} 年法定工作日历（原 sha256 {previous}），依据 {notice}（{notice_date}）：{holidays} 个假期，"
        "{workdays} 个调休上班日；sha256 {sha256}",
    ),
    "calendar.show.imported": (
        "{year}: imported from {notice} ({notice_date}) by {by} at {at}; sha256 {sha256}",
        "{year} 年：依据 {notice}（{notice_date}）导入，导入人 {by}，时间 {at}；sha256 {sha256}",
    ),
    "calendar.show.overrides": (
        "  it takes precedence over chinese-calendar {version}'s data for {year}",
        "  优先于 chinese-calendar {version} 中 {year} 年的数据",
    ),
    "calendar.show.shipped": (
        "{year}: from chinese-calendar {version} (the State Council's notice as the package carries it)",
        "{year} 年：来自 chinese-calendar {version}（该软件包收录的国务院办公厅通知）",
    ),
    "calendar.show.holidays": ("holidays:", "放假："),
    "calendar.show.workdays": ("adjusted working days:", "调休上班日："),
    "calendar.show.none": ("  none", "  无"),
    "calendar.show.period": ("  {first} – {last}  {name} ({days} d)", "  {first} 至 {last}  {name}（共 {days} 天）"),
    "calendar.show.workday": ("  {date} ({weekday})  {name}", "  {date}（{weekday}）  {name}"),
    "calendar.weekdays": ("Mon Tue Wed Thu Fri Sat Sun", "周一 周二 周三 周四 周五 周六 周日"),
    "calendar.check.none": ("no year is imported: nothing to compare", "尚未导入任何年份：无可比对"),
    "calendar.check.agrees": (
        "{year}: agrees with chinese-calendar {version}",
        "{year} 年：与 chinese-calendar {version} 一致",
    ),
    "calendar.check.not_covered": (
        "{year}: chinese-calendar {version} does not cover it; nothing to compare",
        "{year} 年：chinese-calendar {version} 未收录该年；无可比对",
    ),
    "calendar.check.differs": (
        "{year}: {count} day(s) differ from chinese-calendar {version}:",
        "{year} 年：有 {count} 天与 chinese-calendar {version} 不一致：",
    ),
    "calendar.check.day": (
        "  {date}: imported says {imported}, chinese-calendar says {shipped}{counts}",
        "  {date}：导入的数据为{imported}，chinese-calendar 为{shipped}{counts}",
    ),
    "calendar.check.counts": (" (working-day counts differ)", "（工作日计数不同）"),
    "calendar.kind.holiday": ("a holiday", "放假"),
    "calendar.kind.workday": ("an adjusted working day", "调休上班日"),
    "calendar.kind.weekday": ("an ordinary working day", "普通工作日"),
    "calendar.kind.weekend": ("an ordinary weekend day", "普通周末"),
    # a return carries records over
    "show.carried_over": ("↩ carried over from before the return", "↩ 沿用退回前记录"),
    # labels: verification reasons (the English text is the JSON `reason` of `dflow audit verify`)
    "verify.data_not_json": ("content edited: data is not valid JSON", "内容被改动：事件数据无法解析"),
    "verify.seq_missing": (
        "event missing: expected seq {expected}, found {found}",
        "事件缺失：应为第 {expected} 条，实为第 {found} 条",
    ),
    "verify.seq_order": (
        "order broken: expected seq {expected}, found {found}",
        "顺序被打乱：应为第 {expected} 条，实为第 {found} 条",
    ),
    "verify.moved": (
        "order broken: the event stored as seq {seq} was written as seq {written}",
        "顺序被打乱：存为第 {seq} 条的事件写入时是第 {written} 条",
    ),
    "verify.hash": ("content edited: hash does not match content", "内容被改动：哈希与内容不符"),
    "verify.prev_link": ("link broken: prev_hash is not the previous hash", "链接断裂：前序哈希不是上一条事件的哈希"),
    "verify.decision_missing": (
        "event missing: decision {decision} expected its event {expected}, found {found}",
        "事件缺失：决策 {decision} 应为其第 {expected} 条事件，实为第 {found} 条",
    ),
    "verify.decision_order": (
        "order broken: decision {decision} expected its event {expected}, found {found}",
        "顺序被打乱：决策 {decision} 应为其第 {expected} 条事件，实为第 {found} 条",
    ),
    "verify.decision_link": (
        "link broken: decision_prev is not decision {decision}'s previous hash",
        "链接断裂：决策 {decision} 的前序哈希不是其上一条事件的哈希",
    ),
    "verify.decision_stray": (
        "content edited: decision link on an event of no decision",
        "内容被改动：不属于任何决策的事件带有决策链接",
    ),
    "verify.key_data": (
        "key event unreadable: the {action} event's data is not an object",
        "密钥事件无法读取：“{action}”事件的数据不是对象",
    ),
    "verify.key_no_user": (
        "key event unreadable: the {action} event names no user",
        "密钥事件无法读取：“{action}”事件未写明用户",
    ),
    "verify.key_bad": (
        "key event unreadable: {name}'s public key is not an Ed25519 key",
        "密钥事件无法读取：{name} 的公钥不是有效的签名公钥",
    ),
    "verify.no_key": (
        "signature without a key: {actor} holds no registered key at this point",
        "有签名而无密钥：{actor} 此时没有已登记的密钥",
    ),
    "verify.signature_invalid": (
        "signature invalid: not made with {actor}'s registered key",
        "签名无效：不是用 {actor} 已登记的密钥所签",
    ),
    "verify.signature_missing": (
        "signature missing: {actor} must sign every act once keys are registered",
        "缺少签名：密钥登记后 {actor} 的每项操作都须签名",
    ),
    "verify.register_no_authority": (
        "key registered without authority: {actor} is not an admin holding a key",
        "无权登记密钥：{actor} 不是持有密钥的管理员",
    ),
    "verify.rotate_no_authority": (
        "key rotated without authority: only {name}, signing with the old key, rotates it",
        "无权轮换密钥：只有 {name} 本人以旧密钥签名才能轮换",
    ),
    "verify.revoke_no_authority": (
        "key revoked without authority: {actor} is not an admin holding a key",
        "无权吊销密钥：{actor} 不是持有密钥的管理员",
    ),
    "verify.definition": (
        "workflow definition altered: {name} version {version} ({sha256})",
        "流程定义被改动：{name} 第 {version} 版（{sha256}）",
    ),
    "verify.calendar_no_event": (
        "calendar year {year} altered: its calendar_years row has no import event",
        "{year} 年的节假日安排被改动：该年的记录没有对应的导入事件",
    ),
    "verify.calendar_missing": (
        "calendar year {year} missing: imported by event {seq}, not in calendar_years",
        "{year} 年的节假日安排缺失：第 {seq} 条事件导入了该年，但记录已不在",
    ),
    "verify.calendar_altered": (
        "calendar year {year} altered: its calendar_years row differs from its import event {seq}",
        "{year} 年的节假日安排被改动：该年的记录与第 {seq} 条导入事件不符",
    ),
    "verify.evidence": ("evidence altered or missing: {sha256} ({kind})", "材料被改动或缺失：{sha256}（{kind}）"),
    "verify.truncated": (
        "truncated: the chain has {size} events, the checkpoint {checkpoint}",
        "被截断：审计链现有 {size} 条事件，检查点记载 {checkpoint} 条",
    ),
    "verify.rewritten": (
        "rewritten: event {seq}'s hash differs from the checkpoint",
        "被改写：第 {seq} 条事件的哈希与检查点不同",
    ),
    "verify.file_order": (
        "order broken: the decision's event {n} comes later in the file",
        "顺序被打乱：该决策的第 {n} 条事件在文件中位置靠后",
    ),
    "verify.file_header": (
        "file altered: line 1 (the header) is not in canonical form",
        "文件被改动：第 1 行（文件头）不是规范格式",
    ),
    "verify.file_checkpoint": (
        "file altered: the checkpoint is not a chain size and head hash",
        "文件被改动：检查点不是链长度与链头哈希",
    ),
    "verify.file_line": ("file altered: line {line} is not in canonical form", "文件被改动：第 {line} 行不是规范格式"),
    "verify.file_keys": (
        "content edited: the event's keys are not the hashed content's",
        "内容被改动：事件的键与其哈希内容的键不符",
    ),
    "verify.file_other_decision": (
        "file altered: event {seq} belongs to decision {other}, not {decision}",
        "文件被改动：第 {seq} 条事件属于决策 {other}，而非决策 {decision}",
    ),
    "verify.file_follows": (
        "order broken: event {seq} follows event {last}",
        "顺序被打乱：第 {seq} 条事件排在第 {last} 条之后",
    ),
    "verify.file_link": (
        "link broken: prev_hash is not event {last}'s hash",
        "链接断裂：前序哈希不是第 {last} 条事件的哈希",
    ),
    "verify.file_beyond": (
        "file altered: event {seq} lies beyond the checkpoint's {size} events",
        "文件被改动：第 {seq} 条事件超出检查点的 {size} 条事件",
    ),
    "verify.file_head": (
        "file altered: event {seq}'s hash differs from the checkpoint head",
        "文件被改动：第 {seq} 条事件的哈希与检查点链头不同",
    ),
    "verify.file_first": (
        "file altered: the first event is not the decision's creation",
        "文件被改动：首条事件不是该决策的创建",
    ),
    "verify.file_meta": (
        "file altered: the decision's {key} differs from its created event's",
        "文件被改动：决策的{key}与其创建事件所记不符",
    ),
    "verify.file_unclosed": ("file altered: the file ends before its closing line", "文件被改动：文件在结束行之前中断"),
    "verify.file_footer": (
        "file altered: line {line} (the closing line) is not in canonical form",
        "文件被改动：第 {line} 行（结束行）不是规范格式",
    ),
    "verify.file_trailing": (
        "file altered: bytes after line {line}, the closing line",
        "文件被改动：结束行（第 {line} 行）之后还有内容",
    ),
    "verify.file_count_missing": (
        "event missing: the file declares {declared} events and holds {held}",
        "事件缺失：文件声明 {declared} 条事件，实有 {held} 条",
    ),
    "verify.file_count": (
        "file altered: the file declares {declared} events and holds {held}",
        "文件被改动：文件声明 {declared} 条事件，实有 {held} 条",
    ),
    "verify.file_empty": ("event missing: the file holds no events", "事件缺失：文件中没有事件"),
    "verify.file_digest": ("file altered: digest does not match", "文件被改动：摘要不符"),
    # labels: files that are read or written, and what the operating system said
    "file.cannot_read": ("cannot read {path}: {why}", "无法读取 {path}：{why}"),
    "file.cannot_write": ("cannot write {path}: {why}", "无法写入 {path}：{why}"),
    "file.is_directory": ("cannot write {path}: it is a directory", "无法写入 {path}：这是一个目录"),
    "os.ENOENT": ("{why}", "没有该文件或目录"),
    "os.EACCES": ("{why}", "权限不足"),
    "os.EPERM": ("{why}", "不允许的操作"),
    "os.EISDIR": ("{why}", "这是一个目录"),
    "os.ENOTDIR": ("{why}", "路径中有一项不是目录"),
    "os.EEXIST": ("{why}", "文件已存在"),
    "os.ENOSPC": ("{why}", "磁盘空间不足"),
    "os.EROFS": ("{why}", "只读文件系统"),
    "os.ENAMETOOLONG": ("{why}", "文件名过长"),
    "os.other": ("{why}", "系统错误（{why}）"),
    "trailfile.empty": ("{path}: empty file, not a decision-flow trail export", "{path}：空文件，不是审计记录导出文件"),
    "trailfile.not_utf8": ("{path}: line {line} is not UTF-8", "{path}：第 {line} 行不是 UTF-8 文本"),
    "trailfile.malformed": ("{path}: line {line}: {why}", "{path}：第 {line} 行：{why}"),
    "trailfile.not_export": ("not a decision-flow trail export", "不是审计记录导出文件"),
    "trailfile.no_format": (
        'not a decision-flow trail export (no "format":"{format}")',
        "不是审计记录导出文件（缺少格式标识 {format}）",
    ),
    "trailfile.header_keys": ("the header's keys are not {keys}", "文件头的键不是 {keys}"),
    "trailfile.exported_at": ("exported_at is not a string", "导出时间（exported_at）不是字符串"),
    "trailfile.checkpoint": (
        'checkpoint is not {{"head": string, "size": integer}}',
        "检查点（checkpoint）不是链头哈希与链长度",
    ),
    "trailfile.decision_keys": ("decision does not have the keys {keys}", "决策信息（decision）没有这些键：{keys}"),
    "trailfile.not_integer": ("decision {key} is not an integer", "决策信息的 {key} 不是整数"),
    "trailfile.not_string": ("decision {key} is not a string", "决策信息的 {key} 不是字符串"),
    "trailfile.bad_json": (
        "an event line that is not valid JSON of a trail ({error})",
        "事件行不是有效的审计记录",
    ),
    "trailfile.not_object": ("an event line that is not a JSON object", "事件行不是对象"),
    "checkpoint.invalid": ("{path}: not a checkpoint: {why}", "{path}：不是检查点文件：{why}"),
    "checkpoint.bad_json": ("invalid JSON", "内容无法解析"),
    "checkpoint.json_keys": (
        'the JSON form has exactly "size", "head" and "at"',
        "其 JSON 形式应恰有 size、head、at 三项",
    ),
    "checkpoint.not_plain": (
        'expected the text of `dflow audit head` (first line "{title}") or its --json form',
        "应为 `dflow audit head` 输出的文本（首行为“{title}”）或其 --json 形式",
    ),
    "checkpoint.line": ("unexpected line {line!r}", "无法识别的行 {line!r}"),
    "checkpoint.lines": ("it needs the lines size, head and at", "须有 size、head、at 三行"),
    "checkpoint.size": ("size is not a whole number", "size 不是整数"),
    "checkpoint.head": ("head is not 64 hexadecimal digits", "head 不是 64 位十六进制数"),
    "checkpoint.empty_head": ("an empty chain's head is 64 zeros", "空链的链头应为 64 个 0"),
    "checkpoint.at": ("at is not an ISO 8601 time", "at 不是 ISO 8601 时间"),
    "checkpoint.not_utf8": ("not UTF-8 text", "不是 UTF-8 文本"),
    # labels: workflows, exports and prompts named in the reader's language
    "workflow.no_stage": ("workflow {workflow} has no stage {name!r}", "流程 {workflow} 没有阶段 {name!r}"),
    "workflow.no_step": ("workflow {workflow} has no step {name!r}", "流程 {workflow} 没有步骤 {name!r}"),
    "workflow.checked": (
        "{file}: OK ({name} v{version}, {stages} stages)",
        "{file}：校验通过（{name} 第 {version} 版，共 {stages} 个阶段）",
    ),
    "export.bad_event": (
        "event {seq} cannot be exported: its stored data is not JSON (run dflow audit verify)",
        "第 {seq} 条事件无法导出：其存储的数据无法解析（请运行 dflow audit verify）",
    ),
    "export.unknown_format": (
        "unknown export format {fmt!r} (known: {known})",
        "未知的导出格式 {fmt!r}（可用：{known}）",
    ),
    "usage.no_such_option": ("No such option: {option}", "没有选项 {option}"),
    "usage.no_such_option_hint": (
        "No such option: {option} (Possible options: {options})",
        "没有选项 {option}（可用：{options}）",
    ),
    "usage.missing_argument": ("Missing argument {name}.", "缺少参数 {name}"),
    "usage.missing_option": ("Missing option {name}.", "缺少选项 {name}"),
    "usage.no_such_command": ("No such command {name}.", "没有命令 {name}"),
    "usage.requires_value": ("Option {name} requires an argument.", "选项 {name} 需要一个值"),
    "usage.takes_no_value": ("Option {name} does not take a value.", "选项 {name} 不接受值"),
    "usage.extra": ("Got unexpected extra argument(s) ({args})", "多余的参数（{args}）"),
    "key.prompt": ("passphrase for {name}'s key ({path}): ", "{name} 的密钥口令（{path}）："),
    "key.prompt_new": ("passphrase for the new key file", "新密钥文件的口令"),
    "key.prompt_again": ("Repeat for confirmation", "请再输入一次以确认"),
}
