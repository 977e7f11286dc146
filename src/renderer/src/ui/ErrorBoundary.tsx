import { Component, type ErrorInfo, type ReactNode } from 'react'

/** Keeps a view's rendering bug inside that view: the navigation and the other views stay usable. */
export class ErrorBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  state: { error: Error | null } = { error: null }
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`${this.props.name} view crashed`, error, info.componentStack)
  }
  render() {
    if (!this.state.error) return this.props.children
    return (
      <div role="alert" data-testid="view-crashed" className="mx-auto max-w-2xl rounded-lg border border-bad/40 bg-bad/10 p-5 text-sm">
        <p className="font-semibold text-bad">The {this.props.name} view hit a bug and stopped drawing.</p>
        <p className="mt-1 text-muted">The engine and your data are unaffected. Try again, or switch views; if it keeps happening, report this message:</p>
        <pre className="mt-2 overflow-auto rounded bg-panel p-2 font-mono text-xs whitespace-pre-wrap">{this.state.error.message}</pre>
        <button className="mt-3 rounded-md border border-line bg-panel px-3 py-1.5 text-sm hover:bg-sunken" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    )
  }
}
