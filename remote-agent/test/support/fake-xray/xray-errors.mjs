// Xray's error texts: `errors.New` prefixes the package of its caller ("infra/conf: ...") and
// `.Base(inner)` appends " > inner" (common/errors/errors.go:35-57, 124-139 at v26.7.28).

export class XrayError extends Error {}

/** Xray's `errors.New(message).Base(inner)` as text, raised from `pkg`. */
export function xrayError(pkg, message, inner) {
  const innerText = inner === undefined ? '' : ` > ${inner instanceof Error ? inner.message : inner}`;
  return new XrayError(`${pkg}: ${message}${innerText}`);
}

/** A Go error that carries no package prefix (from the standard library). */
export function goError(message) {
  return new XrayError(message);
}

/** What a gRPC client prints for a failed call: `rpc error: code = CODE desc = TEXT`. */
export function rpcErrorText(code, desc) {
  return `rpc error: code = ${code} desc = ${desc}`;
}
