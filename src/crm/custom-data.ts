/**
 * The SDK's custom data package (`custom_data: { device: { value: 'iOS', type, label } }`) is
 * copied into the record fields that `customFields` in crm.yaml maps it to.
 */
export function customDataFields(
  source: Record<string, unknown>,
  mapping: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const data = source.custom_data ?? source.customData;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(data as Record<string, unknown>)) {
    const target = mapping[key];
    if (target === undefined) continue;
    const value =
      typeof entry === 'object' && entry !== null && 'value' in entry
        ? (entry as { value: unknown }).value
        : entry;
    if (value !== undefined && value !== null) out[target] = value;
  }
  return out;
}
