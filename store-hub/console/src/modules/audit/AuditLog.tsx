import { useState } from 'react';
import { api } from '../../api/api';
import { ErrorNote, useLoad } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

export function AuditLog() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [applied, setApplied] = useState('');
  const { data, error } = useLoad(() => api.audit({ q: applied || undefined }), [applied]);
  return (
    <section aria-labelledby="au-title">
      <h1 id="au-title">{t('au.title')}</h1>
      <form
        className="inline"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(q.trim());
        }}
      >
        <label className="field">
          <span>{t('au.search')}</span>
          <input value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button type="submit">{t('au.search')}</button>
      </form>
      <ErrorNote error={error} />
      {data && data.entries.length === 0 && <p>{t('au.empty')}</p>}
      {data && data.entries.length > 0 && (
        <table className="grid">
          <caption className="sr-only">{t('au.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('au.time')}</th>
              <th scope="col">{t('au.staff')}</th>
              <th scope="col">{t('au.device')}</th>
              <th scope="col">{t('au.action')}</th>
              <th scope="col">{t('au.what')}</th>
              <th scope="col">{t('au.why')}</th>
            </tr>
          </thead>
          <tbody>
            {data.entries.map((e) => (
              <tr key={e.audit_id}>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>{e.staff_username ?? '—'}</td>
                <td>{e.device ?? '—'}</td>
                <th scope="row">{e.action}</th>
                <td>{e.what}</td>
                <td>{e.why ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
