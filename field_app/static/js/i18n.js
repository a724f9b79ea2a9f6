// Every visible string, zh-CN first (the default) and English. Class names come from the catalog.

const TEXTS = {
  zh: {
    app_title: "巡查", loading: "正在加载…", working: "处理中…",
    online: "在线", offline: "离线", back_online: "网络已恢复，正在发送待发送内容", gone_offline: "已离线：上报会保存在手机上，联网后自动发送",
    session_expired: "登录已过期，待发送内容已保存。", sign_in_again: "重新登录",
    sign_in: "登录", username: "用户名", password: "密码", signed_in: "登录成功", signed_out: "已退出登录", sign_out: "退出登录",
    need_online_once: "首次使用需要联网登录一次，之后可离线工作。",
    offline_unavailable: "此浏览器无法启用离线功能",
    insecure_context: "此地址不是 HTTPS：浏览器会关闭定位和离线功能。请通过 HTTPS 地址打开（见 field_app/README.md）",
    new_report: "上报问题", center_on_me: "回到我的位置", show_my_grids: "显示我的网格", centred: "已定位到当前位置",
    step_category: "① 问题类别", step_location: "② 位置", step_photos: "③ 照片", step_description: "④ 问题描述",
    kind_event: "事件", kind_component: "部件", search_category: "搜索类别：中文名、英文名或代码",
    recently_used: "最近使用", all_classes: "全部类别（{n}）", no_match: "没有匹配的类别",
    class_chosen: "已选择：{name}",
    gps_waiting: "正在获取定位…", gps_unavailable: "无法获取定位：请在地图上点选或拖动图钉",
    accuracy_ok: "定位精度 ±{m} 米", accuracy_warn: "定位精度较差（±{m} 米，超过 20 米）：请拖动图钉到准确位置或选择附近部件",
    pin_moved: "已手动调整位置", snapped_to: "已吸附到部件：{name}（{code}）", using_gps: "已改用 GPS 位置",
    use_my_position: "使用我的 GPS 位置", nearby_components: "附近的部件（点按吸附）",
    lands_in: "将落入网格 {grid} · {community} {street}", checking_location: "正在查询所在网格…",
    not_in_my_grids_offline: "不在您负责的网格内：发送时由中心判定所属网格",
    outside_jurisdiction: "该位置不在本辖区任何网格内，上报将被拒绝：请核对位置",
    take_photo: "拍照 / 选择照片", take_after_photo: "拍摄现场照片", processing_photos: "正在压缩照片…",
    photos_added: "已添加 {n} 张照片", photo_unreadable: "无法读取该照片，请重拍", remove_photo: "删除照片",
    description_hint: "补充说明（可选）", save_and_send: "保存并发送",
    need_class: "请选择问题类别", need_position: "请确定位置（GPS 或在地图上点选）", need_photo: "请至少拍摄一张照片",
    queued_sending: "已保存，正在发送", queued_offline: "已保存到待发送队列，联网后自动发送",
    outbox: "待发送队列", send_now: "立即发送", clear_sent: "清除已发送", cleared: "已清除已发送记录",
    queue_empty: "队列为空", queue_summary: "待发送 {pending} · 已发送 {sent} · 失败 {failed}", queue_pill: "未发送 {n}",
    status_pending: "待发送", status_sending: "发送中", status_sent: "已发送", status_failed: "失败",
    n_photos: "{n} 张照片", attempts: "已尝试 {n} 次", retry: "重试", retrying: "正在重试…",
    delete: "删除", confirm_delete: "确认删除？再点一次", deleted: "已删除",
    sent_as: "中心已收到：案件 {ref} · 网格 {grid} · {n} 张照片", sent_toast: "已发送：案件 {ref}", will_land_in: "预计网格 {grid}",
    answer_sent: "已提交：案件 {ref} → {status}", sending: "正在发送…", all_sent: "全部已发送",
    some_not_sent: "仍有 {pending} 条待发送、{failed} 条失败", offline_will_send: "当前离线，联网后自动发送",
    network_error: "网络不可用，将自动重试",
    tasks: "我的任务", refresh: "刷新", tasks_refreshed: "任务已刷新（{n} 条）", no_tasks: "暂无任务",
    tasks_summary: "待办 {n} 条，其中超时 {overdue} 条", task_verify: "核实", task_check: "核查",
    overdue: "已超时", overdue_since: "已超时（时限 {due}）", due_at: "时限 {due}", distance: "距您约 {m} 米",
    open_task: "处理任务", answer_waiting: "已答复，等待发送", back_to_tasks: "← 返回任务列表",
    show_on_map: "在地图上查看", navigate: "导航前往", answer: "核查结果",
    verify_pass: "属实", verify_fail: "不属实", check_pass: "已处置，合格", check_fail: "未处置到位",
    answer_note_hint: "说明（选“不属实/未处置到位”时必填）", submit_answer: "提交结果",
    need_result: "请选择结果", need_note: "请填写说明", need_check_photo: "核查须拍摄至少一张现场照片",
    answer_sending: "已保存，正在提交", photo_not_cached: "照片未缓存（联网后可查看）",
    tab_map: "地图", tab_report: "上报", tab_tasks: "任务", tab_queue: "队列", language_switched: "已切换为中文",
    waits_for_owner: "由 {user} 上报：待其登录后发送",
    photo_before: "上报照片", photo_after: "处置后", photo_evidence: "现场核查",
  },
  en: {
    app_title: "Field", loading: "Loading…", working: "Working…",
    online: "Online", offline: "Offline", back_online: "Back online: sending what is waiting", gone_offline: "Offline: reports are kept on this phone and sent when the connection returns",
    session_expired: "Your session expired; queued items are kept.", sign_in_again: "Sign in again",
    sign_in: "Sign in", username: "Username", password: "Password", signed_in: "Signed in", signed_out: "Signed out", sign_out: "Sign out",
    need_online_once: "The first sign-in needs a connection; after that the app works offline.",
    offline_unavailable: "This browser cannot enable offline use",
    insecure_context: "This address is not HTTPS: the browser turns off GPS and offline use. Open the app over HTTPS (see field_app/README.md)",
    new_report: "Report a problem", center_on_me: "Centre on me", show_my_grids: "Show my grids", centred: "Centred on your position",
    step_category: "1 Category", step_location: "2 Location", step_photos: "3 Photos", step_description: "4 Description",
    kind_event: "Event", kind_component: "Component", search_category: "Search: Chinese or English name, or code",
    recently_used: "Recently used", all_classes: "All classes ({n})", no_match: "No matching class",
    class_chosen: "Chosen: {name}",
    gps_waiting: "Getting your position…", gps_unavailable: "No GPS fix: tap the map or drag the pin",
    accuracy_ok: "GPS accuracy ±{m} m", accuracy_warn: "Poor GPS accuracy (±{m} m, over 20 m): drag the pin to the exact spot or pick a nearby component",
    pin_moved: "Position set by hand", snapped_to: "Snapped to component: {name} ({code})", using_gps: "Using the GPS position",
    use_my_position: "Use my GPS position", nearby_components: "Nearby components (tap to snap)",
    lands_in: "Lands in grid {grid} · {community} {street}", checking_location: "Looking up the grid…",
    not_in_my_grids_offline: "Not in your grids: the centre decides the grid when it arrives",
    outside_jurisdiction: "This point is outside every grid of the jurisdiction and would be refused: check the position",
    take_photo: "Take / choose photos", take_after_photo: "Take on-site photos", processing_photos: "Shrinking photos…",
    photos_added: "{n} photo(s) added", photo_unreadable: "This photo cannot be read; take it again", remove_photo: "Remove photo",
    description_hint: "Details (optional)", save_and_send: "Save and send",
    need_class: "Choose a category", need_position: "Set the position (GPS or tap the map)", need_photo: "Take at least one photo",
    queued_sending: "Saved, sending now", queued_offline: "Saved in the outbox; it is sent when the connection returns",
    outbox: "Outbox", send_now: "Send now", clear_sent: "Clear sent", cleared: "Sent items cleared",
    queue_empty: "The outbox is empty", queue_summary: "Pending {pending} · sent {sent} · failed {failed}", queue_pill: "{n} not sent",
    status_pending: "Pending", status_sending: "Sending", status_sent: "Sent", status_failed: "Failed",
    n_photos: "{n} photo(s)", attempts: "{n} attempt(s)", retry: "Retry", retrying: "Retrying…",
    delete: "Delete", confirm_delete: "Delete? Tap again", deleted: "Deleted",
    sent_as: "Received by the centre: case {ref} · grid {grid} · {n} photo(s)", sent_toast: "Sent: case {ref}", will_land_in: "Expected grid {grid}",
    answer_sent: "Submitted: case {ref} → {status}", sending: "Sending…", all_sent: "Everything is sent",
    some_not_sent: "{pending} still pending, {failed} failed", offline_will_send: "Offline: it is sent when the connection returns",
    network_error: "No connection; it will be retried automatically",
    tasks: "My tasks", refresh: "Refresh", tasks_refreshed: "Tasks refreshed ({n})", no_tasks: "No tasks",
    tasks_summary: "{n} open, {overdue} overdue", task_verify: "Verify", task_check: "Check",
    overdue: "Overdue", overdue_since: "Overdue (due {due})", due_at: "Due {due}", distance: "about {m} m from you",
    open_task: "Answer", answer_waiting: "Answered, waiting to send", back_to_tasks: "← Back to tasks",
    show_on_map: "Show on map", navigate: "Navigate", answer: "Result",
    verify_pass: "Confirmed", verify_fail: "Not confirmed", check_pass: "Handled, passed", check_fail: "Not handled properly",
    answer_note_hint: "Note (required for a negative result)", submit_answer: "Submit result",
    need_result: "Choose a result", need_note: "Write a note", need_check_photo: "A check needs at least one on-site photo",
    answer_sending: "Saved, submitting", photo_not_cached: "Photo not cached (visible when online)",
    tab_map: "Map", tab_report: "Report", tab_tasks: "Tasks", tab_queue: "Outbox", language_switched: "Switched to English",
    waits_for_owner: "Made by {user}: sent when they sign in",
    photo_before: "Reported", photo_after: "After handling", photo_evidence: "On-site check",
  },
};

const LANG_KEY = "gridwatch-field-lang";
let current = "zh";

export const lang = () => current;

export function initLang() {
  const saved = localStorage.getItem(LANG_KEY);
  current = saved === "en" ? "en" : "zh";
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
}

export function setLang(value) {
  current = value === "en" ? "en" : "zh";
  localStorage.setItem(LANG_KEY, current);
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
  applyTexts();
}

/** The text for ``key`` with {placeholders} filled; ``forced`` picks a language regardless. */
export function t(key, vars = {}, forced = null) {
  const table = TEXTS[forced || current];
  const text = table[key] ?? TEXTS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? ""));
}

/** Fill every [data-i18n] element and [data-i18n-placeholder] input of the page. */
export function applyTexts() {
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  document.title = `${t("app_title")} · GridWatch`;
  const button = document.querySelector("#lang");
  if (button) button.textContent = current === "zh" ? "EN" : "中文";
}
