// The project open on the Project screen, kept for as long as the window is open: the
// screen is unmounted while another one shows, and finds its project (and the path typed)
// again on the way back, where it opens it again for the vault's current state. Paths and
// names only, never a value.
import type { ProjectView } from './bindings/ProjectView';

class CurrentProject {
  /** The project open, as Rust last answered; null for none. */
  view = $state<ProjectView | null>(null);
  /** What the path field holds. */
  typed = $state('');

  /** Forgets it: between tests. */
  reset(): void {
    this.view = null;
    this.typed = '';
  }
}

export const currentProject = new CurrentProject();
