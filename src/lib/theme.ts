/** The theme toggle: flips the `dark` class Tailwind keys on and remembers the choice. */
export function bindThemeToggle(button: HTMLElement | null): void {
  if (!button) return;
  const label = () =>
    (button.textContent = document.documentElement.classList.contains('dark') ? 'Light theme' : 'Dark theme');
  label();
  button.addEventListener('click', () => {
    const dark = document.documentElement.classList.toggle('dark');
    try {
      localStorage.setItem('fb-theme', dark ? 'dark' : 'light');
    } catch {
      // Storage blocked (private mode): the choice lasts for this page only.
    }
    label();
  });
}
