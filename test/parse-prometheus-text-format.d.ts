// The parser the metrics test reads /metrics with ships no types of its own.
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
