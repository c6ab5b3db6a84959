"""Messages about the database and the audit trail, and every reason a verification fails (the
English text is the JSON `reason` of `dflow audit verify`)."""

MESSAGES: dict[str, tuple[str, str]] = {
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
    "export.checkpoint": (
        "the file's checkpoint: keep it apart from the file (a letter, the inspection file) for"
        " `dflow audit verify --file FILE --anchor CHECKPOINT`:",
        "该文件的检查点：请与文件分开保存（如函件、督察卷宗），"
        "供 `dflow audit verify --file 文件 --anchor 检查点` 使用：",
    ),
    "audit.unsigned": (
        "unsigned events, as allowed: {count}; {why}",
        "{count} 条记录未签名（符合规定）：{why}",
    ),
    "audit.unsigned_refused": (
        "refusals of attempts by names that could not prove a key (unknown or keyless users): {where}",
        "无法以本人密钥证明身份者（未登记或无密钥的用户）被拒绝的操作：{where}",
    ),
    "audit.unsigned_early": (
        "events from before signing began: {where}",
        "启用签名之前的记录：{where}",
    ),
    "audit.anchored": (
        "the chains still extend the checkpoint kept outside the system ({anchor})",
        "审计链仍延续系统外保存的检查点（{anchor}）",
    ),
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
    "audit.bad_chain": (
        "audit trail FAILED in chain {chain} at event {seq}: {reason}",
        "审计记录校验失败，首个问题在审计链 {chain} 第 {seq} 条：{reason}",
    ),
    "audit.key_changed": (
        "the key of {actor} was rotated or revoked while this change was made; nothing was written, try again",
        "本次变更进行期间 {actor} 的密钥已被轮换或吊销；未写入任何内容，请重试",
    ),
    "verify.format_place": (
        "format out of place: a version 1 event outside the registry chain, after a version 2 event,"
        " or of a format that does not exist",
        "格式错位：第 1 版事件不在登记链中、位于第 2 版事件之后，或格式编号不存在",
    ),
    "verify.decision_two_chains": (
        "decision in two chains: decision {decision}'s events are in chain {chain}",
        "决策分处两条链：决策 {decision} 的事件在审计链 {chain} 中",
    ),
    "verify.registry_ahead": (
        "registry ahead: the event's registry position is {position}, the registry chain holds {size} events",
        "登记位置超前：该事件的登记位置为 {position}，登记链仅有 {size} 条事件",
    ),
    "verify.registry_back": (
        "registry went back: the event's registry position is {position}, an event before it had {before}",
        "登记位置倒退：该事件的登记位置为 {position}，此前事件已为 {before}",
    ),
    "verify.key_outside_registry": (
        "key event outside the registry: {action} in an organ's chain",
        "密钥事件不在登记链中：机关审计链中出现 {action}",
    ),
    "verify.file_other_chain": (
        "file altered: event {seq} is in chain {chain}, not in organ {organ}'s",
        "文件被改动：第 {seq} 条事件属于审计链 {chain}，而非机关 {organ} 的审计链",
    ),
    "audit.evidence_bad": (
        "evidence file {sha256} of event {seq} is missing or altered",
        "第 {seq} 条记录的材料文件 {sha256} 缺失或被改动",
    ),
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
    "verify.roles_no_authority": (
        "roles changed without authority: {actor} is not an admin holding a key",
        "无权变更角色：{actor} 不是持有密钥的管理员",
    ),
    "verify.trail_missing": (
        "trail missing: the database has no audit_events table",
        "审计记录缺失：数据库中没有 audit_events 表",
    ),
    "verify.rotate_no_authority": (
        "key rotated without authority: only {name}, signing with the old key, rotates it",
        "无权轮换密钥：只有 {name} 本人以旧密钥签名才能轮换",
    ),
    "verify.revoke_no_authority": (
        "key revoked without authority: {actor} is not an admin holding a key",
        "无权吊销密钥：{actor} 不是持有密钥的管理员",
    ),
    "verify.type": ("wrong type: {key} must be {kind}", "类型错误：{key} 应为{kind}"),
    "type.integer_1": ("an integer of at least 1", "不小于 1 的整数"),
    "type.integer_1_or_null": ("an integer of at least 1, or null", "不小于 1 的整数或 null"),
    "type.chain_name": ("a string of 1 to 40 characters", "1 至 40 个字符的字符串"),
    "type.registry_position": (
        "null in the registry chain, an integer of at least 0 in an organ's",
        "登记链中为 null，机关审计链中为不小于 0 的整数",
    ),
    "type.integer_1_with_decision": (
        "an integer of at least 1 when decision is one, null when decision is null",
        "决策编号为整数时应为不小于 1 的整数，决策编号为 null 时应为 null",
    ),
    "type.string": ("a string", "字符串"),
    "type.string_or_null": ("a string or null", "字符串或 null"),
    "type.hash": ("a hash (64 lowercase hexadecimal digits)", "哈希值（64 位小写十六进制数字）"),
    "type.hash_or_null_with_decision": (
        "a hash (64 lowercase hexadecimal digits) or null when decision is an integer, null when decision is null",
        "决策编号为整数时应为哈希值（64 位小写十六进制数字）或 null，决策编号为 null 时应为 null",
    ),
    "type.object": ("an object", "对象"),
    "type.object_text": ("the canonical JSON text of an object", "对象的规范 JSON 文本"),
    "type.signature": ("a string or null", "字符串或 null"),
    "verify.rotate_previous": (
        "key rotated from a key not held: {name} did not hold the key named as previous",
        "轮换所依的密钥并非当时所持：{name} 当时并不持有“previous”所写的密钥",
    ),
    "verify.revoke_not_held": (
        "key revoked that is not held: {name} did not hold the key named",
        "吊销的密钥并非当时所持：{name} 当时并不持有所写的密钥",
    ),
    "verify.register_over_held": (
        "key registered over a held key: {name} already holds a key (revoke it first)",
        "在已持密钥上登记新密钥：{name} 已持有密钥（应先吊销）",
    ),
    "verify.key_retired": (
        "retired key registered again: {name}'s key {fingerprint} was revoked or rotated away before",
        "已停用的密钥被再次登记：{name} 的密钥 {fingerprint} 此前已被吊销或轮换",
    ),
    "verify.key_of_another": (
        "key of another user registered: {name}'s key {fingerprint} is held by {holder}",
        "登记了他人的密钥：{name} 的密钥 {fingerprint} 为 {holder} 所持",
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
    "verify.opinion": (
        "the text of public opinion {id} was altered or removed",
        "公众意见 {id} 的内容被改动或删除",
    ),
    "verify.truncated": (
        "truncated: chain {chain} has {size} events, the checkpoint {checkpoint}",
        "被截断：审计链 {chain} 现有 {size} 条事件，检查点记载 {checkpoint} 条",
    ),
    "verify.rewritten": (
        "rewritten: event {seq} of chain {chain} differs from the checkpoint",
        "被改写：审计链 {chain} 第 {seq} 条事件的哈希与检查点不同",
    ),
    "verify.decision_truncated": (
        "truncated: decision {decision} has {size} events, the checkpoint {checkpoint}",
        "被截断：决策 {decision} 现有 {size} 条事件，检查点记载 {checkpoint} 条",
    ),
    "verify.decision_rewritten": (
        "rewritten: decision {decision}'s event {n} differs from the checkpoint",
        "被改写：决策 {decision} 的第 {n} 条事件与检查点不同",
    ),
    "verify.file_order": (
        "order broken: the decision's event {n} comes later in the file",
        "顺序被打乱：该决策的第 {n} 条事件在文件中位置靠后",
    ),
    "verify.file_same_seq": (
        "order broken: event {seq} has the number of a key event",
        "顺序被打乱：第 {seq} 条事件与一条密钥事件编号相同",
    ),
    "verify.file_not_key": (
        "file altered: event {seq} is not a key event",
        "文件被改动：第 {seq} 条事件不是密钥事件",
    ),
    "verify.file_v1": (
        "a file of the first export version: it holds no signatures, so who signed each event is not proven",
        "此文件为第一版导出格式：不含签名，无法证明各事件由谁签署",
    ),
    "audit.signers": ("signed in this file by:", "本文件中的签名人："),
    "audit.signer": ("  {actor}  key {fingerprint}", "  {actor}  密钥 {fingerprint}"),
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
    "verify.file_cut": (
        "file altered: the file ends inside line {line} (cut short)",
        "文件被改动：文件在第 {line} 行中间中断（不完整）",
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
}
