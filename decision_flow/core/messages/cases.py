"""Messages about a case and its procedure: the order of stages, the rules' refusals, values and
files typed, a return's carry-over, the demo."""

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
    # guided entry: `dflow record ID STEP` at a terminal with nothing to set
    "guided.intro": (
        "decision {id}, step {step} ({name}): answer each field (Enter leaves it for later); nothing is"
        " recorded until the last answer, Ctrl-C stops without recording",
        "决策 {id}，步骤“{step}”（{name}）：请逐项填写（直接回车留待以后填写）；"
        "最后一项答完才记录，按 Ctrl-C 则不记录任何内容",
    ),
    "guided.prompt": ("{title} [{name}; {kind}; {need}]: ", "{title}［{name}；{kind}；{need}］："),
    "guided.choices": ("{kind}: {choices}", "{kind}：{choices}"),
    "guided.file": (
        "{title} [{kind}; a file path; Enter if none yet]: ",
        "{title}［{kind}；文件路径；暂无则直接回车］：",
    ),
    "guided.nothing": ("nothing given: step {step} is as it was", "未填写任何内容：步骤 {step} 保持不变"),
    "guided.required": ("required", "必填"),
    "guided.optional": ("optional", "选填"),
    "guided.type.text": ("text", "文字"),
    "guided.type.enum": ("one of", "从下列选项中选一"),
    "guided.type.integer": ("a whole number", "整数"),
    "guided.type.bool": ("yes or no (是/否)", "是或否"),
    "guided.type.date": ("a date YYYY-MM-DD", "日期 YYYY-MM-DD"),
    "guided.type.list": ("a list, items separated by 、 or ,", "多项，以“、”或逗号分隔"),
    "withdraw.no_reason": ("withdrawing an attachment needs --reason", "撤回材料须说明理由（--reason）"),
    "withdraw.none": (
        "step {step} holds no {kind} file {file!r} to withdraw (held: {held})",
        "步骤 {step} 没有可撤回的 {kind} 材料 {file!r}（现有：{held}）",
    ),
    "withdraw.several": (
        "{file!r} names more than one file (held: {held}): give more of its SHA-256",
        "{file!r} 对应多份材料（现有：{held}）：请给出更长的 SHA-256",
    ),
    "withdraw.done": (
        "withdrew {kind} {name} from step {step}; its bytes stay in the store and its attachment in the trail",
        "已从步骤 {step} 撤回 {kind} 材料 {name}；文件仍保存在材料库中，附加记录仍在审计记录中",
    ),
    "interrupted.done": (
        "interrupted: recorded (the change to decision {id} had been written; see dflow show {id})",
        "已中断：已记录（对决策 {id} 的更改已写入；见 dflow show {id}）",
    ),
    "interrupted.unknown": (
        "interrupted: whether decision {id} changed could not be read now; see dflow show {id}",
        "已中断：暂时无法读取决策 {id} 是否已更改；请用 dflow show {id} 查看",
    ),
    "interrupted.none": (
        "interrupted: nothing recorded (decision {id} is as it was)",
        "已中断：未记录任何内容（决策 {id} 保持原状）",
    ),
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
        "step {step} has no field {field!r}{hint} (fields: {known})",
        "步骤 {step} 没有字段 {field!r}{hint}（字段：{known}）",
    ),
    "field.choice": ("{field} must be one of {choices}, not {value!r}", "{field} 须为 {choices} 之一，而非 {value!r}"),
    "evidence.unknown": (
        "step {step} takes no evidence {kind!r} (kinds: {known})",
        "步骤 {step} 不接受材料类别 {kind!r}（类别：{known}）",
    ),
    "evidence.not_a_file": ("{path}: no such file", "{path}：文件不存在"),
    "evidence.unreadable": ("{path}: cannot be read ({why})", "{path}：无法读取（{why}）"),
    # the demo
    "demo.db": ("throwaway database: {path}", "临时数据库：{path}"),
    "demo.db_kept": ("database: {path}", "数据库：{path}"),
    "demo.kept": (
        "kept in {path}: read on with DFLOW_DB={db} DFLOW_KEYS={keys} dflow show {id}",
        "已保留在 {path}：可继续查看，DFLOW_DB={db} DFLOW_KEYS={keys} dflow show {id}",
    ),
    "demo.keep_not_empty": (
        "{path} is not empty: --keep needs a new or empty folder, so nothing there is overwritten",
        "{path} 不是空文件夹：--keep 须指定新的或空的文件夹，以免覆盖其中的内容",
    ),
    "demo.created": ("decision {id} created: {title}", "已创建决策 {id}：{title}"),
    "demo.also": ("case {id} walked too: {title}", "案件 {id} 也已办理：{title}"),
    "demo.register": (
        "the register and the decision-item catalogue of {year} kept too: read the year with"
        " dflow report annual --year {year}",
        "{year} 年度活动登记和决策事项目录也已写入：可用 dflow report annual --year {year} 查看该年度报告",
    ),
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
    # a return carries records over
    "show.carried_over": ("↩ carried over from before the return", "↩ 沿用退回前记录"),
}
