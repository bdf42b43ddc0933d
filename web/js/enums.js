// enums.js - the Chinese enumerations the API accepts and returns
// (docs/api.md), and the role labels.

export const SCHOOL_TYPES = ['幼儿园', '小学', '初中', '九年一贯制学校', '十二年一贯制学校', '完全中学',
  '高级中学', '中等职业学校', '特殊教育学校', '教学点'];
export const NATURES = ['公办', '民办', '普惠性民办'];
export const AREAS = ['城区', '镇区', '乡村'];
export const STATUSES = ['在办', '撤并', '停办'];
export const GROUP_KINDS = ['紧密型', '联盟型'];

export const ROLES = [
  { value: 'admin', label: '系统管理员' },
  { value: 'leader', label: '局领导' },
  { value: 'dept', label: '股室人员' },
  { value: 'school', label: '学校管理员' },
  { value: 'auditor', label: '审计员' },
];
export function roleLabel(code) {
  const r = ROLES.find((x) => x.value === code);
  return r ? r.label : (code || '');
}

// Audit vocabulary: shown in Chinese, filtered by code.
export const ENTITIES = [
  { value: 'school', label: '学校' },
  { value: 'group', label: '教育集团' },
  { value: 'user', label: '用户' },
  { value: 'session', label: '登录会话' },
  { value: 'org_unit', label: '组织机构' },
  { value: 'department', label: '股室' },
  { value: 'school_merge', label: '学校撤并' },
];
export const ACTIONS = [
  { value: 'create', label: '新增' },
  { value: 'update', label: '修改' },
  { value: 'merge', label: '撤并' },
  { value: 'status', label: '状态变更' },
  { value: 'login', label: '登录' },
  { value: 'login_failed', label: '登录失败' },
  { value: 'logout', label: '退出' },
  { value: 'lock', label: '锁定' },
  { value: 'unlock', label: '解锁' },
  { value: 'password', label: '密码变更' },
  { value: 'import', label: '批量导入' },
];
export function labelOf(list, code) {
  const r = list.find((x) => x.value === code);
  return r ? r.label : (code || '');
}

// School field labels, in display order.
export const SCHOOL_FIELDS = [
  ['code', '学校标识码'], ['name', '学校名称'], ['short_name', '简称'], ['type', '办学类型'],
  ['nature', '办学性质'], ['area', '城乡分类'], ['town', '街道/乡镇'], ['address', '地址'],
  ['head', '校长'], ['phone', '联系电话'], ['founded_year', '建校年份'], ['status', '状态'],
  ['closed_on', '撤并/停办日期'], ['merged_into_name', '并入学校'], ['group_name', '教育集团'],
  ['updated_at', '更新时间'],
];
export const SCHOOL_LABELS = Object.fromEntries(SCHOOL_FIELDS.concat([['town_id', '街道/乡镇'],
  ['group_id', '教育集团'], ['merged_into', '并入学校'], ['org_id', '组织机构']]));
