import { useEffect } from 'react';
import { api } from '../../api/api';
import { duration, ErrorNote, useLoad } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

export function Sync() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => api.sync(), []);
  useEffect(() => {
    const id = setInterval(reload, 5000);
    return () => clearInterval(id);
  }, [reload]);
  return (
    <section aria-labelledby="sy-title">
      <h1 id="sy-title">{t('sy.title')}</h1>
      <ErrorNote error={error} />
      {data && (
        <dl className="totals big">
          <dt>{t('sy.backlog')}</dt>
          <dd data-testid="backlog">{data.unsent}</dd>
          <dt>{t('sy.oldest')}</dt>
          <dd>
            {data.oldest_unsent_age_seconds != null
              ? duration(t, data.oldest_unsent_age_seconds)
              : t('sy.none')}
          </dd>
          <dt>{t('sy.sent')}</dt>
          <dd>{data.sent}</dd>
          <dt>{t('sy.lastContact')}</dt>
          <dd>{data.last_contact_at ? new Date(data.last_contact_at).toLocaleString() : t('sy.unknown')}</dd>
          {data.last_error && (
            <>
              <dt>{t('sy.failed')}</dt>
              <dd>{data.last_error}</dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}
