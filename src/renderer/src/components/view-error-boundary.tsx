import { Component, type ErrorInfo, type ReactNode } from 'react';
import { t } from '../i18n/i18n.ts';

interface ViewErrorBoundaryProps {
  children: ReactNode;
  onBack: () => void;
}

/** A view that fails to draw shows why, and the rest of the console keeps working. */
export class ViewErrorBoundary extends Component<ViewErrorBoundaryProps, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Keyport view failed', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <section className="view" data-testid="view-error">
        <h1>{t('viewError.title')}</h1>
        <p className="inline-error">{this.state.error.message}</p>
        <p>{t('viewError.fault')}</p>
        <div>
          <button
            type="button"
            onClick={() => {
              this.setState({ error: null });
              this.props.onBack();
            }}
          >
            {t('viewError.back')}
          </button>
        </div>
      </section>
    );
  }
}
