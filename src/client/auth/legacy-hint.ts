/** Why the API may refuse a legacy key's fresh token, for `AuthFailedError`. */
export function legacyRefusedHint(key: { accessID: string; baseUrl: string }): string {
  const host = new URL(key.baseUrl).host;
  return (
    `Check in the Cloud Administration Console (Platform > API Key Management) that the key ${key.accessID} ` +
    `is neither revoked nor expired, that it belongs to the tenant ${host} (the key file's adminRestApiUrl), ` +
    "and that its role is Super Admin or Help Desk Admin. A clock more than 60 s off also invalidates tokens."
  );
}
