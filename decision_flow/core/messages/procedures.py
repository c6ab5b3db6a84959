"""Messages about workflow definitions (pinned per case, installed, migrated, named) and the
procedures' own checks (normative documents' settings and rule kinds)."""

MESSAGES: dict[str, tuple[str, str]] = {
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
    "rule.lapsed_working": (
        "{field} is {days} working days after {since}: the period of {max} working days has passed, and with it"
        " the right",
        "{field} 距 {since} 已 {days} 个工作日：{max} 个工作日的期限已过，该权利不再享有",
    ),
    "rule.lapsed_calendar": (
        "{field} is {days} days after {since}: the period of {max} days has passed, and with it the right",
        "{field} 距 {since} 已 {days} 日：{max} 日的期限已过，该权利不再享有",
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
    # labels: workflows, exports and prompts named in the reader's language
    "workflow.no_stage": ("workflow {workflow} has no stage {name!r}", "流程 {workflow} 没有阶段 {name!r}"),
    "workflow.no_step": (
        "workflow {workflow} has no step {name!r}{hint} (steps: {steps})",
        "流程 {workflow} 没有步骤 {name!r}{hint}（步骤：{steps}）",
    ),
    "hint.did_you_mean": ("; did you mean {guess}?", "；是否想输入 {guess}？"),
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
    "usage.no_such_command_guess": (
        "No such command {name}. Did you mean {guess}?",
        "没有命令 {name}，是否要用 {guess}？",
    ),
    "usage.requires_value": ("Option {name} requires an argument.", "选项 {name} 需要一个值"),
    "usage.takes_no_value": ("Option {name} does not take a value.", "选项 {name} 不接受值"),
    "usage.extra": ("Got unexpected extra argument(s) ({args})", "多余的参数（{args}）"),
    "usage.missing_command": ("Missing command.", "缺少命令"),
    "usage.not_integer": ("Invalid value for {name}: {value} is not a valid int.", "{name} 的值须为整数（{value}）"),
    "usage.invalid_value": ("Invalid value for {name}: {why}", "{name} 的值无效：{why}"),
    "key.prompt": ("passphrase for {name}'s key ({path}): ", "{name} 的密钥口令（{path}）："),
    "key.prompt_new": ("passphrase for the new key file", "新密钥文件的口令"),
    "key.prompt_again": ("Repeat for confirmation", "请再输入一次以确认"),
    # workflow files: what is wrong with one, and where (the file and the key path stay as they are)
    "wf.at": ("{source}: {where}: {problem}", "{source}：{where}：{problem}"),
    "wf.no_file": ("{source}: no such file", "{source}：文件不存在"),
    "wf.not_utf8": ("{source}: not UTF-8 text (byte {byte})", "{source}：不是 UTF-8 文本（第 {byte} 字节）"),
    "wf.folder": ("{source}: is a folder, not a workflow file", "{source}：是文件夹，不是流程文件"),
    "wf.unreadable": ("{source}: cannot be read ({why})", "{source}：无法读取（{why}）"),
    "wf.bad_file_name": ("{source}: not a usable file name", "{source}：不是可用的文件名"),
    "wf.toml": ("{source}: not valid TOML: {detail}", "{source}：不是有效的 TOML：{detail}"),
    "wf.type.str": ("str", "字符串"),
    "wf.type.int": ("int", "整数"),
    "wf.type.float": ("float", "小数"),
    "wf.type.bool": ("bool", "布尔值"),
    "wf.type.list": ("list", "数组"),
    "wf.type.dict": ("dict", "表"),
    "wf.type.date": ("date", "日期"),
    "wf.type.datetime": ("datetime", "日期时间"),
    "wf.type.time": ("time", "时刻"),
    "wf.type.str/dict": ("str/dict", "字符串或表"),
    "wf.missing": ("is missing", "缺少此项"),
    "wf.type": ("must be {expected}, not {got}", "须为{expected}，而非{got}"),
    "wf.bad_name": (
        "{got} is not a valid name (ASCII letters, digits, _ and -)",
        "{got} 不是有效的名称（只能由英文字母、数字、_ 和 - 组成）",
    ),
    "wf.not_table": ("must be a table", "须为表"),
    "wf.unknown_key": ("unknown key (allowed: {allowed})", "未知键（可用：{allowed}）"),
    "wf.not_one_of": ("{got} is not one of {allowed}", "{got} 不是 {allowed} 之一"),
    "wf.enum_choices": (
        "an enum field needs a list of string choices",
        "enum 字段须有由字符串组成的 choices 列表",
    ),
    "wf.policy_flag": ("is missing (policy {policy} names a flag)", "缺少此项（policy 为 {policy} 时须指明 flag）"),
    "wf.policy_setting": (
        "only the policy unless_setting names a setting, not {policy}",
        "只有 policy 为 unless_setting 时才指明 setting，{policy} 不能",
    ),
    "wf.bad_route": (
        "{got} is not advance, reject, stay or return:STAGE, nor close",
        "{got} 不是 advance、reject、stay、return:阶段名 或 close",
    ),
    "wf.roles": ("must list roles among {allowed}", "须列出角色，且只能取自 {allowed}"),
    "wf.field_twice": ("names a field twice", "同一字段名出现了两次"),
    "wf.outcome_field": ("{got} is not a field of the step", "{got} 不是本步骤的字段"),
    "wf.patch_items": (
        "must be a table of items by name in an extending file",
        "继承（extends）其他流程的文件中，此项须为按名称列出各项的表",
    ),
    "wf.redefine_stages": (
        "an extending file patches steps (steps.NAME) and may not redefine stages",
        "继承（extends）其他流程的文件只能修补步骤（steps.步骤名），不得重新定义 stages",
    ),
    "wf.patch_unknown_step": (
        "no step {name!r} in the workflow it extends ({base})",
        "所继承的流程（{base}）中没有步骤 {name!r}",
    ),
    "wf.step_renamed": ("a step keeps its name", "步骤不得改名"),
    "wf.extends_unknown": ("no workflow {name!r} is known here", "此处没有名为 {name!r} 的流程"),
    "wf.extends_itself": ("the workflow extends itself, through {chain}", "该流程经由 {chain} 继承了自身"),
    "wf.name_mismatch": ("{got!r} is not the file's own name {name!r}", "{got!r} 与文件自身的名称 {name!r} 不一致"),
    "wf.schema": ("only schema 1 is understood", "只支持 schema 1"),
    "wf.stage_twice": ("{name!r} appears twice", "{name!r} 出现了两次"),
    "wf.no_steps": ("a stage needs at least one step", "每个阶段至少须有一个步骤"),
    "wf.step_twice": ("step {name!r} appears twice", "步骤 {name!r} 出现了两次"),
    "wf.unknown_procedure": ("unknown procedure {name!r} (known: {known})", "未知的程序 {name!r}（可用：{known}）"),
    "wf.unknown_rule": ("unknown rule kind {name!r} (known: {known})", "未知的规则类型 {name!r}（可用：{known}）"),
    "wf.param_missing": ("is missing (rule kind {rule} needs {params})", "缺少此项（规则类型 {rule} 须有 {params}）"),
    "wf.param_unknown": ("is not a parameter of rule kind {rule}", "不是规则类型 {rule} 的参数"),
    "wf.period_shape": (
        'must be a table {{ days = N, unit = "working" | "calendar" }}',
        '须为表 {{ days = 天数, unit = "working" | "calendar" }}',
    ),
    "wf.period_days": (
        "days must be a whole number of days above 0, not {got}",
        "days 须为大于 0 的整数天数，而非 {got}",
    ),
    "wf.period_unit": (
        "unit must be working or calendar, not {got}",
        "unit 须为 working（工作日）或 calendar（自然日），而非 {got}",
    ),
    "wf.values_shape": ("must be a list of one or more strings", "须为由一个或多个字符串组成的数组"),
    "wf.not_field_of": ("{got} is not a field of step {name}", "{got} 不是步骤 {name} 的字段"),
    "wf.not_evidence_of": ("{got} is not an evidence kind of step {name}", "{got} 不是步骤 {name} 的材料种类"),
    "wf.undeclared_flag": ("{got} is not a declared flag", "{got} 不是已声明的标记"),
    "wf.not_stage_before": ("{got} is not a stage before {name}", "{got} 不是 {name} 之前的阶段"),
    "wf.not_workflow_field": ("{name} is not a field of the workflow", "{name} 不是本流程中的字段"),
    "wf.not_before": ("{name} does not come before step {own}", "{name} 不在步骤 {own} 之前"),
    "wf.bad_item": (
        "{got} does not name a step and one of its evidence kinds",
        "{got} 未指明一个步骤及其一种材料",
    ),
    "wf.auditor": (
        "an auditor reads and verifies but changes nothing (Arts. 38–39)",
        "审计人员只查阅和核验，不作任何改动（第38–39条）",
    ),
    "wf.no_stage": ("no stage {name!r}", "没有阶段 {name!r}"),
    "wf.unknown_setting": (
        "unknown setting (procedure {procedure} takes: {known})",
        "未知的设置项（程序 {procedure} 可设：{known}）",
    ),
    "wf.none": ("none", "无"),
    "wf.not_bool": ("must be true or false, not {got}", "须为 true 或 false，而非 {got}"),
    "wf.no_setting": ("no setting {name!r} in procedure {procedure}", "程序 {procedure} 没有设置项 {name!r}"),
    "wf.not_bool_setting": (
        "{name!r} is not a true/false setting of {procedure}",
        "{name!r} 不是程序 {procedure} 取 true 或 false 的设置项",
    ),
    # workflow files: the legal gates a file may not remove or weaken (both procedures)
    "wf.stage_missing": (
        "the {name} stage is missing ({article}: never skipped)",
        "缺少 {name} 阶段（{article}：不得省略）",
    ),
    "wf.never_waived": ("{name} can never be waived ({article})", "{name} 不得免除（{article}）"),
    "wf.unlawful_blocks": (
        "an unlawful opinion must block the stage ({article})",
        "审查意见为不合法的，须阻止离开本阶段（{article}）",
    ),
    # workflow files: the legal gates of major decisions (Decree 713)
    "wf.md.order": (
        "legality_review must come before collective_decision (Art. 25)",
        "legality_review 须在 collective_decision 之前（第25条）",
    ),
    "wf.md.consultation_missing": (
        "the consultation step {name} is missing (Arts. 14, 19, 22)",
        "缺少征求意见类步骤 {name}（第14、19、22条）",
    ),
    "wf.md.consultation_late": (
        "every consultation step must come before legality_review (Arts. 26–27)",
        "各征求意见类步骤均须在 legality_review 之前（第26–27条）",
    ),
    "wf.md.review_days": (
        "legality review needs min_working_days of at least 7 (Art. 26)",
        "合法性审查须设 min_working_days 且不少于 7 个工作日（第26条）",
    ),
    "wf.md.reviewer": (
        "the legality review is done by a legal_reviewer (Art. 25)",
        "合法性审查须由 legal_reviewer 办理（第25条）",
    ),
    "wf.md.comment_days": (
        "the comment period needs min_days of at least 30 (Art. 15)",
        "征求意见期限须设 min_days 且不少于 30 日（第15条）",
    ),
    "wf.md.outcome": (
        "the meeting's outcome routes are missing (Art. 30)",
        "缺少会议决定的去向（outcome 的 routes）（第30条）",
    ),
    "wf.md.executive": (
        "the collective decision is recorded by an executive (Art. 30)",
        "集体讨论决定须由 executive 记录（第30条）",
    ),
    # workflow files: the legal gates of normative documents (GOB 115; Organic Law Art. 75)
    "wf.nd.step_missing": (
        "the {name} step of stage {stage_name} is missing ({article})",
        "缺少 {stage_name} 阶段的 {name} 步骤（{article}）",
    ),
    "wf.nd.required_field": ("{name} must be a required field ({article})", "{name} 须为必填字段（{article}）"),
    "wf.nd.required_evidence": ("{name} must be required evidence ({article})", "{name} 须为必附材料（{article}）"),
    "wf.nd.order": (
        "the stages must come in the order {order} (GOB 115 §§3–7)",
        "各阶段须依次为 {order}（《国办发〔2018〕115号》第（三）至（七）项）",
    ),
    "wf.nd.scope_routes": (
        "scope must route in_scope to advance and out_of_scope to close (GOB 115 §3: what touches rights"
        " and duties is reviewed; what does not leaves the procedure, with the finding recorded)",
        "scope 须将 in_scope 导向 advance、将 out_of_scope 导向 close（《国办发〔2018〕115号》第（三）项："
        "涉及权利义务的须经审核；不涉及的记录认定结论后退出本程序）",
    ),
    "wf.nd.scope_reason": (
        "an out-of-scope finding needs its reason (GOB 115 §3)",
        "认定不属于审核范围的，须记录理由（《国办发〔2018〕115号》第（三）项）",
    ),
    "wf.nd.county_mandatory": (
        "{name} is mandatory at county level and above (Organic Law Art. 75)",
        "{name} 在县级以上为必经程序（《地方组织法》第75条）",
    ),
    "wf.nd.waived_by_setting": (
        "{name} is waived only where the locality setting {setting} says so (GOB 115 §4)",
        "{name} 只有本地设置 {setting} 允许时才可免除（《国办发〔2018〕115号》第（四）项）",
    ),
    "wf.nd.consultation_period": (
        "the consultation period is the setting consultation_period (provincial rule)",
        "征求意见期限须取自设置项 consultation_period（省级规定）",
    ),
    "wf.nd.reviewer": (
        "the legality review is the reviewing body's: legal_reviewer only (GOB 115 §4)",
        "合法性审核由审核机构办理：只能是 legal_reviewer（《国办发〔2018〕115号》第（四）项）",
    ),
    "wf.nd.opinion": (
        "the opinion is lawful, unlawful or must_revise (GOB 115 §6)",
        "审核意见须为 lawful、unlawful 或 must_revise（《国办发〔2018〕115号》第（六）项）",
    ),
    "wf.nd.written": (
        "only a written review counts: countersigning or sitting in never does (GOB 115 §7)",
        "只有书面审核才算数：会签或列席均不能代替（《国办发〔2018〕115号》第（七）项）",
    ),
    "wf.nd.least": (
        "the review needs min_working_days of at least {days} (GOB 115 §5)",
        "合法性审核须设 min_working_days 且不少于 {days} 个工作日（《国办发〔2018〕115号》第（五）项）",
    ),
    "wf.nd.most": (
        "the review needs max_working_days of at most {most}, and no fewer than its least ({least}) (GOB 115 §5)",
        "合法性审核须设 max_working_days 且不超过 {most} 个工作日，也不少于其最短期限（{least} 个工作日）"
        "（《国办发〔2018〕115号》第（五）项）",
    ),
    "wf.nd.packet": (
        "a packet found incomplete must go back to the drafting unit (GOB 115 §5)",
        "送审材料不齐全的，须退回起草单位（《国办发〔2018〕115号》第（五）项）",
    ),
    "wf.nd.revision_account": (
        "a must_revise opinion needs the drafting unit's account of revisions (GOB 115 §6)",
        "审核意见为 must_revise 的，须有起草单位的修改情况说明（《国办发〔2018〕115号》第（六）项）",
    ),
    "wf.nd.non_adoption": (
        "an opinion not fully adopted needs the reasons (GOB 115 §6)",
        "审核意见未被完全采纳的，须说明理由（《国办发〔2018〕115号》第（六）项）",
    ),
    "wf.nd.deliberation": (
        "the deliberation is recorded by an executive, with its outcome (GOB 115 §7)",
        "审议须由 executive 记录，并载明审议结论（《国办发〔2018〕115号》第（七）项）",
    ),
    "wf.nd.deliberation_gate": (
        "the deliberation needs requires_outcome of {name} among {allowed}"
        " (GOB 115 §7: an unreviewed or unlawful document is never deliberated)",
        "审议须设 requires_outcome，要求 {name} 为 {allowed} 之一"
        "（《国办发〔2018〕115号》第（七）项：未经审核或审核不合法的文件不得提请审议）",
    ),
    "wf.nd.meeting_type": (
        "meeting_type must be a required enum field (GOB 115 §7)",
        "meeting_type 须为必填的 enum 字段（《国办发〔2018〕115号》第（七）项）",
    ),
    "wf.nd.county_meeting": (
        "a county government deliberates at its standing or plenary meeting (Organic Law Art. 75)",
        "县级人民政府以常务会议或全体会议审议（《地方组织法》第75条）",
    ),
    "wf.nd.filing": (
        "filing is due within the setting filing_deadline (Filing Regs Art. 25: the province's)",
        "备案须在设置项 filing_deadline 规定的期限内完成（《法规规章备案审查条例》第25条：由省级规定）",
    ),
}
