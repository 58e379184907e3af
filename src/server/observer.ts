/**
 * What src/server/http.ts tells about each request: begin() at its start, and the function it
 * returns once the request is answered, with the route's template (`unmatched` for a request no
 * route matched: a path is never told, it may hold a client id).
 */
export interface RequestObserver {
  begin(method: string): (outcome: { route: string; status: number; error?: unknown }) => void;
}

/** Several observers as one. */
export function observers(...list: (RequestObserver | undefined)[]): RequestObserver {
  const present = list.filter((observer): observer is RequestObserver => observer !== undefined);
  return {
    begin(method) {
      const ends = present.map((observer) => observer.begin(method));
      return (outcome) => {
        for (const end of ends) end(outcome);
      };
    },
  };
}
