"""Messages about users, their roles and their signing keys."""

MESSAGES: dict[str, tuple[str, str]] = {
    # organs (决策机关)
    "organ.bad_code": (
        "{code!r} is not an organ code: lower-case letters a-z, digits, '-' and '_', at most 40",
        "{code!r} 不是有效的机关代码：只能用小写字母 a-z、数字、“-”和“_”，最多 40 个",
    ),
    "organ.bad_level": ("{level!r} is not an organ level ({levels})", "{level!r} 不是机关层级（{levels}）"),
    "organ.no_name": ("an organ needs a name (--name)", "机关须有名称（--name）"),
    "organ.unknown": ("no organ with code {code!r}", "没有代码为 {code!r} 的机关"),
    "organ.reserved_code": (
        "{code!r} cannot be an organ's code: it names the registry's audit chain",
        "{code!r} 不能用作机关代码：它是登记审计链的名称",
    ),
    "organ.exists": ("an organ with code {code!r} exists already", "代码为 {code!r} 的机关已存在"),
    "organ.not_admin": (
        "{user} is not an admin of organ {organ} (nor of an organ above it)",
        "{user} 不是机关 {organ}（或其上级机关）的管理员",
    ),
    "organ.own": (
        "{organ} is {name}'s own organ: change their roles there with dflow user role",
        "{organ} 是 {name} 的本机关：请用 dflow user role 变更其角色",
    ),
    "organ.wrong_level": (
        "workflow {workflow} is for {level} organs; organ {organ} is a {organ_level} organ: choose the"
        " workflow of its level, or the organ with --organ",
        "流程 {workflow} 适用于{level}机关；机关 {organ} 属{organ_level}：请选用该级的流程，或用 --organ 指定机关",
    ),
    "organ.no_role": ("{user} holds no role in organ {organ}", "{user} 在机关 {organ} 不担任任何角色"),
    "organ.not_all": (
        "{user} does not reach every organ: list one with --organ, or your own without it",
        "{user} 并非对所有机关都有权限：请用 --organ 指定机关，或不加该选项查看本人所在机关",
    ),
    "organ.not_disclosed": (
        "decision {id} may not be disclosed, and {user} holds no role in its organ {organ}",
        "决策 {id} 依法不宜公开，{user} 在其所属机关 {organ} 不担任任何角色",
    ),
    "organ.added": (
        "organ {code} ({name}, {level}) added under {parent}",
        "已在 {parent} 下添加机关 {code}（{name}，{level}）",
    ),
    "organ.granted": ("{name} now holds {roles} in {organ}", "{name} 在 {organ} 的角色现为 {roles}"),
    "organ.ungranted": ("{name} holds no role in {organ} any more", "{name} 在 {organ} 已不再担任任何角色"),
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
    "key.written_to": (
        "; the key file for {name} is {path}: give it to {name} only",
        "；{name} 的密钥文件为 {path}：只能交给 {name} 本人",
    ),
    "init.admin": ("; admin {name} registered{where}", "；已登记管理员 {name}{where}"),
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
}
