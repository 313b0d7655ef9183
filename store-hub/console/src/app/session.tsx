import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/api';
import { setUnauthenticatedHandler } from '../api/hub';
import { connectLive, disconnectLive } from '../api/live';
import type { SessionInfo, StaffUser } from '../api/api';

interface SessionCtx {
  loading: boolean;
  user: StaffUser | null;
  store: SessionInfo['store'] | null;
  signedIn(info: SessionInfo): void;
  signOut(): Promise<void>;
  can(permission: string): boolean;
}

const Ctx = createContext<SessionCtx | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [loading, setLoading] = useState(true);
  const [info, setInfo] = useState<SessionInfo | null>(null);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      disconnectLive();
      setInfo(null);
    });
    api
      .session()
      .then(
        (s) => setInfo(s),
        () => setInfo(null),
      )
      .finally(() => setLoading(false));
  }, []);

  useEffect(() => {
    if (info && !info.user.force_reset_pin) connectLive();
  }, [info]);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      disconnectLive();
      setInfo(null);
    }
  }, []);

  const value = useMemo<SessionCtx>(
    () => ({
      loading,
      user: info?.user ?? null,
      store: info?.store ?? null,
      signedIn: setInfo,
      signOut,
      can: (p) => info?.user.permissions[p] === true,
    }),
    [loading, info, signOut],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionCtx {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
