"""Messages about files that are read or written, and what the operating system said."""

MESSAGES: dict[str, tuple[str, str]] = {
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
    "checkpoint.decision": ("decision is not a decision's number", "decision 不是决策编号"),
    "checkpoint.chain": (
        "chain is not the name of a chain (registry or an organ's code)",
        "chain 不是审计链名称（registry 或机关代码）",
    ),
    "checkpoint.one": (
        "it holds {n} checkpoints; an export is checked against one",
        "文件含 {n} 个检查点；导出文件只能对照一个检查点核验",
    ),
    "anchor.other_decision": (
        "the checkpoint {path} is of decision {anchor}, the file of decision {file}",
        "检查点 {path} 属于决策 {anchor}，而该文件属于决策 {file}",
    ),
    "anchor.cannot_vouch": (
        "the checkpoint {path} names event {seq} of chain {chain}, which the file does not hold:"
        " a chain checkpoint vouches for an export only through that event;"
        " take the decision's own (dflow audit head --decision {decision})",
        "检查点 {path} 所指的审计链 {chain} 第 {seq} 条事件不在该文件中：审计链检查点只能通过该事件为导出文件作证；"
        "请改用该决策自己的检查点（dflow audit head --decision {decision}）",
    ),
    "checkpoint.json_keys": (
        'the JSON form has exactly "size", "head" and "at", and "chain" or "decision" (one object, or a list)',
        "其 JSON 形式应恰有 size、head、at 三项及 chain 或 decision 之一（一个对象，或其列表）",
    ),
    "checkpoint.not_plain": (
        'expected the text of `dflow audit head` (first line "{title}") or its --json form',
        "应为 `dflow audit head` 输出的文本（首行为“{title}”）或其 --json 形式",
    ),
    "checkpoint.line": ("unexpected line {line!r}", "无法识别的行 {line!r}"),
    "checkpoint.lines": (
        "it needs the lines size, head and at, and at most one of chain and decision",
        "须有 size、head、at 三行，chain 与 decision 至多一行",
    ),
    "checkpoint.size": ("size is not a whole number", "size 不是整数"),
    "checkpoint.head": ("head is not 64 hexadecimal digits", "head 不是 64 位十六进制数"),
    "checkpoint.empty_head": ("an empty chain's head is 64 zeros", "空链的链头应为 64 个 0"),
    "checkpoint.at": ("at is not an ISO 8601 time", "at 不是 ISO 8601 时间"),
    "checkpoint.not_utf8": ("not UTF-8 text", "不是 UTF-8 文本"),
}
