/**
 * Tests only: an XMLHttpRequest that sends through the global fetch — the network boundary the
 * tests mock with `mockFetch` — and reports upload progress the way a browser does. The forms
 * sent are kept for the test to read (a mocked fetch sees the method, address and headers).
 */
export function installFetchXhr() {
  const forms: FormData[] = [];

  class FetchXhr {
    upload: { onprogress: ((event: ProgressEvent) => void) | null; onload: (() => void) | null } = {
      onprogress: null,
      onload: null,
    };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    status = 0;
    statusText = '';
    responseText = '';
    private method = 'GET';
    private url = '';
    private readonly headers = new Headers();
    private aborted = false;

    open(method: string, url: string) {
      this.method = method;
      this.url = url;
    }

    setRequestHeader(name: string, value: string) {
      this.headers.set(name, value);
    }

    abort() {
      if (this.aborted) return;
      this.aborted = true;
      this.onabort?.();
    }

    send(body: FormData) {
      forms.push(body);
      const file = body.get('file');
      const total = file instanceof Blob ? file.size : 0;
      setTimeout(() => void this.deliver(total), 0);
    }

    private async deliver(total: number) {
      for (const loaded of [Math.floor(total / 2), total]) {
        if (this.aborted) return;
        this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
      }
      this.upload.onload?.();
      try {
        const response = await fetch(new Request(this.url, { method: this.method, headers: this.headers }));
        const text = await response.text();
        if (this.aborted) return;
        this.status = response.status;
        this.statusText = response.statusText;
        this.responseText = text;
        this.onload?.();
      } catch {
        if (!this.aborted) this.onerror?.();
      }
    }
  }

  vi.stubGlobal('XMLHttpRequest', FetchXhr);
  return { forms };
}
