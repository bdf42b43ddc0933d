// api.js - the one fetch wrapper: JSON in and out, the CSRF header on every
// unsafe request, errors as ApiError {status, code, message, field}, and the
// session events the app reacts to (401 -> login, 403 password_change_required
// -> change-password page).

let csrfToken = null;
const listeners = { unauthorized: [], password: [] };

export function setCsrf(token) { csrfToken = token || null; }

// on('unauthorized' | 'password', fn): called when any request meets that answer.
export function on(event, fn) { listeners[event].push(fn); }
function emit(event, detail) { for (const fn of listeners[event]) fn(detail); }

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || '请求失败');
    this.status = status;
    this.code = code || 'error';
    this.field = field || null;
  }
}

// Query string from an object, skipping empty values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    u.append(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

const STATUS_MESSAGES = {
  400: '请求有误', 401: '未登录或会话已过期', 403: '无权限', 404: '记录不存在',
  409: '数据冲突', 413: '提交内容过大', 415: '不支持的文件类型', 423: '账号已锁定', 500: '服务器内部错误',
};

async function errorOf(res) {
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  const e = body && body.error ? body.error : {};
  const err = new ApiError(res.status, e.code, e.message || STATUS_MESSAGES[res.status] || ('请求失败（' + res.status + '）'), e.field);
  // a refused submission or import lists every problem beside "error"
  err.problems = body && Array.isArray(body.problems) ? body.problems : null;
  return err;
}

// request(method, path, body?, {quiet, raw}) -> parsed JSON. quiet: do not emit
// session events (used for the first GET /api/me and for login itself). raw:
// body is a File/Blob sent as it is (uploads), with its own type.
export async function request(method, path, body, opts) {
  const o = opts || {};
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (o.raw) {
    headers['Content-Type'] = (body && body.type) || 'application/octet-stream';
    init.body = body;
  } else if (body !== undefined && body !== null) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络');
  }
  if (!res.ok) {
    const err = await errorOf(res);
    if (!o.quiet) {
      if (res.status === 401) emit('unauthorized', err);
      else if (res.status === 403 && err.code === 'password_change_required') emit('password', err);
    }
    throw err;
  }
  if (res.status === 204) return {};
  const text = await res.text();
  if (!text) return {};
  try { return JSON.parse(text); } catch (e) { throw new ApiError(res.status, 'bad_reply', '服务器返回的数据无法解析'); }
}

export const get = (path, params, opts) => request('GET', path + qs(params), null, opts);
export const post = (path, body, opts) => request('POST', path, body === undefined ? {} : body, opts);
export const patch = (path, body) => request('PATCH', path, body);
export const put = (path, body) => request('PUT', path, body);
// upload(path, file): POST a File/Blob as the raw body.
export const upload = (path, file) => request('POST', path, file, { raw: true });

// download(url): fetch a file (xlsx export) and save it under the server's
// file name; errors are thrown as ApiError like any other call.
export async function download(url, fallbackName) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络');
  }
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401) emit('unauthorized', err);
    throw err;
  }
  const blob = await res.blob();
  const name = fileNameOf(res.headers.get('Content-Disposition')) || fallbackName || 'export.xlsx';
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 30000);
}

function fileNameOf(cd) {
  if (!cd) return null;
  let m = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(cd);
  if (m) { try { return decodeURIComponent(m[1].trim()); } catch (e) { /* fall through */ } }
  m = /filename\s*=\s*"([^"]+)"/i.exec(cd) || /filename\s*=\s*([^;]+)/i.exec(cd);
  return m ? m[1].trim() : null;
}
