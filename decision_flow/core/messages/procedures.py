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
