// Query editor: YASGUI pointed at this endpoint, with the project's prefixes and
// example queries (GET /queries). No third-party service is contacted: the
// class/property autocompleters (they query lov.linkeddata.es) are turned off
// and the endpoint list holds only this endpoint.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("cvkg-config").textContent);
  document.getElementById("endpoint").textContent = config.endpoint;

  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.prefixCcApi = null;
  Yasgui.Yasqe.defaults.value = config.defaultQuery;
  Yasgui.Yasqe.defaults.resizeable = true;

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
    persistenceId: "cvkg-yasgui",
    populateFromUrl: true,
    yasqe: { value: config.defaultQuery },
  });

  // Links to data IRIs in the results lead to this server's page for the IRI.
  document.getElementById("yasgui").addEventListener(
    "click",
    (event) => {
      const link = event.target.closest && event.target.closest("a[href]");
      if (link && config.dataBase && link.href.startsWith(config.dataBase)) {
        link.href = config.localBase + link.href.slice(config.dataBase.length);
      }
    },
    true,
  );

  function openExample(example) {
    const tab = yasgui.addTab(true, {
      ...Yasgui.Tab.getDefaults(),
      name: example.name,
      requestConfig: { ...Yasgui.defaults.requestConfig, endpoint: config.endpoint },
      yasqe: { value: example.query },
    });
    tab.show();
  }

  const list = document.getElementById("exemples");
  fetch(config.examples)
    .then((response) => {
      if (!response.ok) throw new Error(response.statusText);
      return response.json();
    })
    .then((examples) => {
      list.textContent = "";
      const others = document.createElement("ul");
      for (const example of examples) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = example.title;
        button.title = example.description;
        const file = document.createElement("small");
        file.textContent = example.name + ".rq";
        button.appendChild(file);
        button.addEventListener("click", () => openExample(example));
        item.appendChild(button);
        (example.featured ? list : others).appendChild(item);
      }
      if (others.childElementCount) {
        const more = document.createElement("details");
        const summary = document.createElement("summary");
        summary.textContent = "Toutes les requêtes du site (" + others.childElementCount + ")";
        more.append(summary, others);
        list.after(more);
      }
    })
    .catch((error) => {
      list.textContent = "Exemples indisponibles : " + error.message;
    });
})();
