/** The "Market" picker above a price chart (replay, backtest trades). */
interface Props {
  /** Its accessible name, which tests and screen readers find it by. */
  label: string;
  markets: readonly string[];
  value: string;
  onChange(market: string): void;
  className?: string;
}

export function MarketSelect({ label, markets, value, onChange, className = 'flex items-center gap-1' }: Props) {
  return (
    <label className={className}>
      Market
      <select
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="rounded border border-tremor-border bg-transparent px-1 py-0.5 dark:border-dark-tremor-border"
      >
        {markets.map((m) => (
          <option key={m}>{m}</option>
        ))}
      </select>
    </label>
  );
}
