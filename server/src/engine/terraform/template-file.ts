/** A template file's text as a template expression (what `templatefile()` evaluates), read by the HCL parser. */
import { parseHcl, type HclExpr } from '../parse/hcl';

export function templateFileExpr(text: string): HclExpr | undefined {
  let marker = 'SR_TEMPLATE_END';
  while (text.includes(marker)) marker += '_';
  const { body, problems } = parseHcl(`x = <<${marker}\n${text}\n${marker}\n`);
  const attr = body.attributes[0];
  return attr && problems.length === 0 ? attr.expr.ast : undefined;
}
