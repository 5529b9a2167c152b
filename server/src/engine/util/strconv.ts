/** Go's strconv.ParseBool, which the OCI cloud controller uses for its boolean annotations. */
export function parseGoBool(text: string): boolean | undefined {
  switch (text) {
    case '1': case 't': case 'T': case 'TRUE': case 'true': case 'True':
      return true;
    case '0': case 'f': case 'F': case 'FALSE': case 'false': case 'False':
      return false;
    default:
      return undefined;
  }
}

/** Go's strconv.Atoi for a decimal integer (optional sign, digits only). */
export function parseGoInt(text: string): number | undefined {
  const t = text.startsWith('+') || text.startsWith('-') ? text.slice(1) : text;
  if (t === '' || [...t].some((c) => c < '0' || c > '9')) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
